/// A user-facing error of the command line: one line that says what is wrong and what to do.
struct CommandError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

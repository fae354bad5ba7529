/// The changelog cannot be used as it is: a record Eddy cannot read, a topic that does not fit, a
/// partition whose history holds no complete state.
public struct ChangelogError: Error, Sendable, CustomStringConvertible {
    /// What happened and what to do, in one line.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

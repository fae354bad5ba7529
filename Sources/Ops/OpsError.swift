/// Why the ops endpoints cannot run, and what to do about it.
public struct OpsError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

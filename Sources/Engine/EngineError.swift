/// Why the consumer loop stopped, and what to do about it.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    /// What happened and what to do, in one line.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

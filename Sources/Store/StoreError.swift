/// Why the database could not be opened, migrated, read or written, and what to do about it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What happened and what to do, in one line.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    static func cannotOpen(_ path: String, _ reason: String) -> StoreError {
        StoreError("cannot open the database at \(path): \(reason)")
    }
}

/// A message that could not be processed, as it will be stored in `failed_messages`.
public struct FailedMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The exact key bytes; `nil` when the message had none.
    public var key: [UInt8]?
    /// The exact value bytes; `nil` for a tombstone.
    public var payload: [UInt8]?
    /// The message headers in order, each with its exact value (or `nil`).
    public var headers: [(name: String, value: [UInt8]?)]
    /// A short machine-readable kind: `malformed`, `invalid`, ...
    public var errorClass: String
    /// The rule that was broken, in words.
    public var error: String

    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        payload: [UInt8]?,
        headers: [(name: String, value: [UInt8]?)] = [],
        errorClass: String,
        error: String
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.payload = payload
        self.headers = headers
        self.errorClass = errorClass
        self.error = error
    }

    public static func == (lhs: FailedMessage, rhs: FailedMessage) -> Bool {
        lhs.topic == rhs.topic && lhs.partition == rhs.partition && lhs.offset == rhs.offset && lhs.key == rhs.key
            && lhs.payload == rhs.payload && lhs.errorClass == rhs.errorClass && lhs.error == rhs.error
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// One record for the output topic, as the outbox stores it.
public struct OutboxRecord: Sendable, Equatable {
    /// The outbox row's id: records are published in id order.
    public var id: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [(name: String, value: [UInt8]?)]

    public init(id: Int64 = 0, key: [UInt8]?, value: [UInt8], headers: [(name: String, value: [UInt8]?)]) {
        self.id = id
        self.key = key
        self.value = value
        self.headers = headers
    }

    public static func == (lhs: OutboxRecord, rhs: OutboxRecord) -> Bool {
        lhs.id == rhs.id && lhs.key == rhs.key && lhs.value == rhs.value && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

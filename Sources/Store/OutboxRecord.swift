/// One record for the output topic or the changelog, as the outbox stores it.
public struct OutboxRecord: Sendable, Equatable {
    /// Where a record goes.
    public enum Channel: Int64, Sendable {
        /// The output topic, partitioned by key.
        case output = 0
        /// The changelog topic, to the partition with the number of its source partition.
        case changelog = 1
    }

    /// The outbox row's id: records are published in id order.
    public var id: Int64
    /// Where the message it came from was read: the dedupe key downstream.
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var channel: Channel

    public init(
        id: Int64 = 0, sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, key: [UInt8]?, value: [UInt8], channel: Channel = .output
    ) {
        self.channel = channel
        self.id = id
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.key = key
        self.value = value
    }
}

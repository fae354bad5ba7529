/// One record for the output topic, as ``Outbox/append(_:_:now:)`` writes it (the relay reads records
/// back as ``OutboxRecordView``s).
public struct OutboxRecord: Sendable, Equatable {
    /// Where a record goes.
    public enum Channel: Int64, Sendable {
        /// The output topic, partitioned by key.
        case output = 0
        /// The changelog topic, to the partition with the number of its source partition.
        case changelog = 1
    }

    /// Where the message it came from was read: the dedupe key downstream.
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]

    public init(sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, key: [UInt8]?, value: [UInt8]) {
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.key = key
        self.value = value
    }
}

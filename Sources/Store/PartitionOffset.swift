/// The next offset to read in one partition.
public struct PartitionOffset: Hashable, Sendable {
    public var topic: String
    public var partition: Int32
    public var nextOffset: Int64
    /// When it was stored, in unix seconds; `nil` for an offset not read from the database.
    public var updatedAt: Int64?

    public init(topic: String, partition: Int32, nextOffset: Int64, updatedAt: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.nextOffset = nextOffset
        self.updatedAt = updatedAt
    }
}

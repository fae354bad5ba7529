import GRDB
import Kafka
import Store

/// `eddy offsets reset`: makes a partition resume at another offset, for when its stored offset no
/// longer matches the broker's log (the topic was deleted and recreated, the broker lost data). Its rows
/// are dropped with it, and its share of the rows it shares with other partitions taken out: they came
/// from the old log, whose offsets the new one reuses. What was done is
/// recorded in `offset_resets`, in the same transaction.
public struct OffsetReset<W: Workload> {
    private let store: Store
    private let workload: W
    private let removal: PartitionRemoval

    public init(store: Store, workload: W) {
        self.store = store
        self.workload = workload
        removal = PartitionRemoval(workload)
    }

    /// What a reset did.
    public struct Outcome: Sendable {
        /// The stored next offset before; `nil` when none was stored.
        public let previous: Int64?
        public let rowsDropped: Int
        /// What of the partition stays in rows shared with other partitions; `nil` when nothing does.
        public let left: String?
    }

    /// Resets `partition` to resume at `offset`, dropping its rows.
    /// - Throws: ``EngineError`` when the partition's state moves through the changelog (the changelog
    ///   topic still holds the old log's records, which a restore would bring back); what SQLite throws.
    public func reset(_ partition: TopicPartition, to offset: Int64, now: Int64) throws -> Outcome {
        try store.write { db in
            if try ChangelogLines.load(db, topic: partition.topic, partition: partition.partition) != nil {
                throw EngineError(
                    "\(partition)'s state moves through the changelog topic, which still holds the old log's records that a restore would bring back: "
                        + "a reset with the changelog on is not supported yet. Stop every instance, delete the changelog topic and the instances' "
                        + "databases, and start again (every partition is read again from its log's start)"
                )
            }
            let previous = try ConsumerOffsets.nextOffset(db, topic: partition.topic, partition: partition.partition)
            let left = try workload.forget(db, topic: partition.topic, partition: partition.partition)
            let rows = try removal.remove(partition, db, now: now).rows
            try ConsumerOffsets.save(db, [PartitionOffset(topic: partition.topic, partition: partition.partition, nextOffset: offset, updatedAt: now)], now: now)
            try OffsetResets.insert(db, topic: partition.topic, partition: partition.partition, from: previous, to: offset, rowsDropped: rows, now: now)
            return Outcome(previous: previous, rowsDropped: rows, left: left)
        }
    }
}

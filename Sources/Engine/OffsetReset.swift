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

    /// Resets `partition` to resume at `offset`, dropping its rows. With the changelog on, the partition
    /// starts over there too (``ChangelogWriter/startOver(_:after:rows:now:)``): its records go out when
    /// Eddy runs next.
    /// - Throws: ``EngineError`` when changelog records of the partition are not sent yet (they name rows
    ///   this would drop); what SQLite throws.
    public func reset(_ partition: TopicPartition, to offset: Int64, now: Int64) throws -> Outcome {
        try store.write { db in
            let line = try ChangelogLines.load(db, topic: partition.topic, partition: partition.partition)
            if line != nil, try Outbox.unsentChangelogCount(db, sourceTopic: partition.topic, sourcePartition: partition.partition) > 0 {
                throw EngineError(
                    "\(partition) has changelog records that did not reach the broker yet, and they name rows a reset drops: start eddy, "
                        + "let it run a minute (the partition stays refused while its records go out), stop it, and reset again"
                )
            }
            let previous = try ConsumerOffsets.nextOffset(db, topic: partition.topic, partition: partition.partition)
            let left = try workload.forget(db, topic: partition.topic, partition: partition.partition)
            let rows = try removal.remove(partition, db, now: now).rows
            try ConsumerOffsets.save(db, [PartitionOffset(topic: partition.topic, partition: partition.partition, nextOffset: offset, updatedAt: now)], now: now)
            if let line { _ = try ChangelogWriter().startOver(db, after: line, rows: removal.rows(of: partition), now: now) }
            try OffsetResets.insert(db, topic: partition.topic, partition: partition.partition, from: previous, to: offset, rowsDropped: rows, now: now)
            return Outcome(previous: previous, rowsDropped: rows, left: left)
        }
    }
}

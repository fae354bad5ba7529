import GRDB
import Kafka
import Store

/// Takes everything of one source partition out of this database inside the caller's transaction: its
/// rows in the workload's partitioned tables and `failed_messages`, its stored offset, its changelog line
/// and unsent changelog records. The unsent output that names its rows is written out first, so that
/// it still goes out.
struct PartitionRemoval: Sendable {
    private let tables: [PartitionedTable]
    private let namedOutput: NamedOutputReader

    init<W: Workload>(_ workload: W) {
        tables = workload.partitionedTables + [FailedMessages.table]
        namedOutput = NamedOutputReader(workload)
    }

    /// The partition's rows in the tables this removes from.
    func rows(of partition: TopicPartition) -> PartitionRows {
        PartitionRows(tables: tables, topic: partition.topic, partition: partition.partition)
    }

    /// - Returns: how many rows were deleted, and how many unsent output messages had lost their rows
    ///   already (none, as long as retention keeps the rows of unsent records).
    func remove(_ partition: TopicPartition, _ db: Database, now: Int64) throws -> (rows: Int, missingOutput: Int) {
        let output = try namedOutput.writeOut(db, topic: partition.topic, partition: partition.partition, now: now)
        let deleted = try rows(of: partition).delete(db)
        try ConsumerOffsets.delete(db, topic: partition.topic, partition: partition.partition)
        try ChangelogLines.delete(db, topic: partition.topic, partition: partition.partition)
        try Outbox.deleteUnsentChangelog(db, sourceTopic: partition.topic, sourcePartition: partition.partition)
        return (deleted, output.missing)
    }
}

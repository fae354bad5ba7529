import GRDB
import Kafka
import Store

/// What one transaction changed in the rows of each source partition, while the changelog is on: the
/// workload and the engine record every row they write here, and the engine sends the change sets of
/// each partition to the changelog in the same transaction. A partition's changes are cut into sets of
/// about ``chunkBytes``, each complete in itself, one per changelog record.
public final class PartitionChanges {
    /// Past this size a change set is closed and the next row starts another.
    static let chunkBytes = 256 * 1024

    private var open: [TopicPartition: ChangeSet] = [:]
    private var closed: [TopicPartition: [ChangeSet]] = [:]
    /// Where the last partition recorded sits in `open`: rows come in runs of one partition, and
    /// finding it again this way spares hashing its topic for every row.
    private var last: (topic: String, partition: Int32, index: Dictionary<TopicPartition, ChangeSet>.Index)?

    init() {}

    /// Lets `body` record changes to rows of `topic`/`partition`.
    public func record<R>(topic: String, partition: Int32, _ body: (inout ChangeSet) throws -> R) rethrows -> R {
        let index: Dictionary<TopicPartition, ChangeSet>.Index
        if let last, last.partition == partition, last.topic == topic {
            index = last.index
        } else {
            let key = TopicPartition(topic: topic, partition: partition)
            if open[key] == nil { open[key] = ChangeSet() }
            index = open.index(forKey: key)!
            last = (topic, partition, index)
        }
        let result = try body(&open.values[index])
        if open.values[index].byteCount >= Self.chunkBytes {
            closed[open.keys[index], default: []].append(open.values[index])
            open.values[index] = ChangeSet()
        }
        return result
    }

    /// Records the `failed_messages` row of the message at `topic`/`partition`/`offset` as it now is.
    func recordFailedRow(_ db: Database, topic: String, partition: Int32, offset: Int64) throws {
        try record(topic: topic, partition: partition) { set in
            try PartitionRows.record(
                db, FailedMessages.table, key: [topic.databaseValue, partition.databaseValue, offset.databaseValue], into: &set
            )
        }
    }

    /// The partitions that changed.
    var partitions: Set<TopicPartition> {
        Set(open.keys).union(closed.keys)
    }

    /// The change sets of `partition`, in order; none when it did not change.
    func sets(of partition: TopicPartition) -> [ChangeSet] {
        (closed[partition] ?? []) + (open[partition].flatMap { $0.isEmpty ? nil : [$0] } ?? [])
    }
}

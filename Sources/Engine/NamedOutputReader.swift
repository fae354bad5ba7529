import GRDB
import Store

/// Reads back the output messages that outbox rows name by offset range, through the workload that
/// staged them (``Workload/outputRecords(_:topic:partition:named:)``).
struct NamedOutputReader: Sendable {
    private let read: @Sendable (Database, String, Int32, [RowRange]) throws -> OutputRecords

    init<W: Workload>(_ workload: W) {
        read = { db, topic, partition, ranges in try workload.outputRecords(db, topic: topic, partition: partition, named: ranges) }
    }

    /// The messages made from the rows `ranges` name in `topic`/`partition`, in offset order.
    func records(_ db: Database, topic: String, partition: Int32, named ranges: [RowRange]) throws -> OutputRecords {
        try read(db, topic, partition, ranges)
    }

    /// Replaces each unsent output row of the partition that names its messages by one row per message
    /// carrying its bytes, inside the caller's transaction: the rows they are made from are about to
    /// leave this database with the partition, and the messages must still go out.
    /// - Returns: how many messages were written out, and how many the rows named whose rows were gone
    ///   (none, as long as retention holds the rows of unsent records).
    func writeOut(_ db: Database, topic: String, partition: Int32, now: Int64) throws -> (written: Int, missing: Int) {
        var written = 0
        var missing = 0
        for (id, ranges, count) in try Outbox.unsentNamedOutput(db, sourceTopic: topic, sourcePartition: partition) {
            let messages = try records(db, topic: topic, partition: partition, named: ranges)
            try OutputWriter.writeCarried(messages, topic: topic, partition: partition, to: db, now: now)
            try Outbox.delete(db, id: id)
            written += messages.count
            missing += max(0, count - messages.count)
        }
        return (written, missing)
    }
}

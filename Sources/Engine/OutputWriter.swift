import GRDB
import Store

/// Writes a batch's staged output to the outbox inside the batch's transaction: one row per run when
/// the messages are named by range, else one row per message with its bytes.
enum OutputWriter {
    /// - Returns: the messages of each row written that names them, for ``OutputRecordCache`` once the
    ///   transaction commits.
    static func write(_ output: StagedOutput, to db: Database, now: Int64) throws -> [OutputRecordCache.Entry] {
        guard let table = output.namedIn else {
            try writeCarried(output, to: db, now: now)
            return []
        }
        return try output.runs.map { run in
            let ranges = run.ranges.map { RowRange(table: table.name, from: $0.lowerBound, to: $0.upperBound) }
            let id = try Outbox.appendNamedOutput(
                db, sourceTopic: run.topic, sourcePartition: run.partition, rowRanges: ranges, records: run.records.count, now: now
            )
            return (id, run.records)
        }
    }

    /// Writes `records` of `topic`/`partition` as one outbox row each, with its bytes.
    static func writeCarried(_ records: OutputRecords, topic: String, partition: Int32, to db: Database, now: Int64) throws {
        let outbox = try OutboxAppender(db, now: now)
        var topic = topic
        try topic.withUTF8 { topic in
            try records.forEach { offset, key, value in
                try outbox.append(sourceTopic: UnsafeRawBufferPointer(topic), sourcePartition: partition, sourceOffset: offset, key: key, value: value)
            }
        }
    }

    private static func writeCarried(_ output: StagedOutput, to db: Database, now: Int64) throws {
        for run in output.runs { try writeCarried(run.records, topic: run.topic, partition: run.partition, to: db, now: now) }
    }
}

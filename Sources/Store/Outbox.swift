import Foundation
import GRDB
import Primitives

/// The `outbox` table: records for the output topic (channel 0) and the changelog (channel 1), written
/// in the same transaction as the state and marked sent once the broker acknowledged them.
public enum Outbox {
    /// Appends `record` (its id is assigned) inside the caller's transaction.
    public static func append(_ db: Database, _ record: OutboxRecord, now: Int64) throws {
        var topic = record.sourceTopic
        try topic.withUTF8 { topic in
            try withOptionalBytes(record.key) { key in
                try record.value.withUnsafeBytes { value in
                    try OutboxAppender(db, now: now).append(
                        sourceTopic: UnsafeRawBufferPointer(topic), sourcePartition: record.sourcePartition,
                        sourceOffset: record.sourceOffset, key: key, value: value
                    )
                }
            }
        }
    }

    /// Appends a changelog record for `sourceTopic`/`sourcePartition` inside the caller's transaction.
    /// - Parameter nextOffset: where the source partition resumes after it, or -1; shown by `eddy status`.
    public static func appendChangelog(
        _ db: Database, sourceTopic: String, sourcePartition: Int32, nextOffset: Int64, value: [UInt8], now: Int64
    ) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (source_topic, source_partition, source_offset, value, created_at, channel)
                VALUES (?, ?, ?, ?, ?, \(OutboxRecord.Channel.changelog.rawValue))
                """
        )
        try statement.execute(arguments: [sourceTopic, sourcePartition, nextOffset, Data(value), now])
    }

    /// How many changelog records of the partition wait for the broker.
    public static func unsentChangelogCount(_ db: Database, sourceTopic: String, sourcePartition: Int32) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND channel = 1 AND source_topic = ? AND source_partition = ?",
            arguments: [sourceTopic, sourcePartition]
        ) ?? 0
    }

    /// Deletes the unsent changelog records of the partition: another owner's history replaced them.
    public static func deleteUnsentChangelog(_ db: Database, sourceTopic: String, sourcePartition: Int32) throws {
        try db.execute(
            sql: "DELETE FROM outbox WHERE sent_at IS NULL AND channel = 1 AND source_topic = ? AND source_partition = ?",
            arguments: [sourceTopic, sourcePartition]
        )
    }

    /// Unsent records of `channels` with an id above `afterID`, in id order: at most `limit` of them,
    /// and no more once their values reach `maxBytes` (there is always at least one), so that a backlog
    /// of large changelog records is read a few megabytes at a time.
    public static func unsent(
        _ db: Database, afterID: Int64, limit: Int, maxBytes: Int, channels: Set<OutboxRecord.Channel>
    ) throws -> [OutboxRecord] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, source_topic, source_partition, source_offset, key, value, channel FROM outbox
                WHERE sent_at IS NULL AND id > ? AND channel IN (\(channels.map { "\($0.rawValue)" }.joined(separator: ", ")))
                ORDER BY id LIMIT ?
                """,
            arguments: [afterID, limit]
        )
        var records: [OutboxRecord] = []
        var bytes = 0
        while bytes < maxBytes, let row = try rows.next() {
            let record = OutboxRecord(
                id: row[0],
                sourceTopic: row[1],
                sourcePartition: row[2],
                sourceOffset: row[3],
                key: (row[4] as Data?).map { Array($0) },
                value: Array(row[5] as Data),
                channel: OutboxRecord.Channel(rawValue: row[6]) ?? .output
            )
            bytes += record.value.count
            records.append(record)
        }
        return records
    }

    /// Marks `ids` sent at `now`, per run of consecutive ids. A changelog record's value is emptied as
    /// it is marked: nothing reads it once the broker has it, and keeping it would rewrite the whole
    /// value (up to 256 KB for a change set). The row itself stays until retention: deleting the newest
    /// rows would let SQLite give their ids to the next rows, behind the relay's cursor.
    public static func markSent(_ db: Database, ids: [Int64], now: Int64) throws {
        let markChangelog = try db.cachedStatement(
            sql: "UPDATE outbox SET sent_at = ?, value = x'' WHERE id BETWEEN ? AND ? AND channel = 1 AND sent_at IS NULL"
        )
        let mark = try db.cachedStatement(sql: "UPDATE outbox SET sent_at = ? WHERE id BETWEEN ? AND ? AND sent_at IS NULL")
        var index = 0
        let sorted = ids.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] <= sorted[end] + 1 { end += 1 }
            try markChangelog.execute(arguments: [now, sorted[index], sorted[end]])
            try mark.execute(arguments: [now, sorted[index], sorted[end]])
            index = end + 1
        }
    }

    /// An upper bound of the records waiting for the broker, in two index lookups (cheap enough to ask
    /// after every batch): the span of ids from the oldest unsent record to the newest record.
    public static func pendingBound(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT (SELECT MAX(id) FROM outbox) - (SELECT MIN(id) FROM outbox WHERE sent_at IS NULL) + 1"
        ) ?? 0
    }

    /// How many records wait for the broker.
    public static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") ?? 0
    }
}

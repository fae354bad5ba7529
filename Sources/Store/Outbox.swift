import Foundation
import GRDB
import Primitives

/// The `outbox` table: records for the output topic (channel 0) and the changelog (channel 1), written
/// in the same transaction as the state; `outbox_sent_through` holds, per channel, the id up to which
/// the broker acknowledged them all.
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
    /// - Parameters:
    ///   - nextOffset: where the source partition resumes after it, or -1; shown by `eddy status`.
    ///   - rowRanges: rows of the partition the record names instead of carrying them.
    public static func appendChangelog(
        _ db: Database, sourceTopic: String, sourcePartition: Int32, nextOffset: Int64, value: [UInt8], rowRanges: [RowRange] = [], now: Int64
    ) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (source_topic, source_partition, source_offset, value, created_at, channel, row_ranges)
                VALUES (?, ?, ?, ?, ?, \(OutboxRecord.Channel.changelog.rawValue), ?)
                """
        )
        let ranges = rowRanges.isEmpty ? nil : Data(RowRange.encode(rowRanges))
        try statement.execute(arguments: [sourceTopic, sourcePartition, nextOffset, Data(value), now, ranges])
    }

    /// Appends an output row that stands for `records` messages of `sourceTopic`/`sourcePartition`: the
    /// rows of `rowRanges`, which the same transaction wrote, each to be read back and encoded when it is
    /// sent (or sent from the relay's memory); `sourceOffset` is the first offset they name.
    /// - Returns: the row's id.
    public static func appendNamedOutput(
        _ db: Database, sourceTopic: String, sourcePartition: Int32, rowRanges: [RowRange], records: Int, now: Int64
    ) throws -> Int64 {
        precondition(!rowRanges.isEmpty && records > 0, "a named output row names at least one record")
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (source_topic, source_partition, source_offset, value, created_at, channel, row_ranges, records)
                VALUES (?, ?, ?, x'', ?, \(OutboxRecord.Channel.output.rawValue), ?, ?)
                """
        )
        let first = rowRanges.map(\.from).min()!
        try statement.execute(arguments: [sourceTopic, sourcePartition, first, now, Data(RowRange.encode(rowRanges)), records])
        return db.lastInsertedRowID
    }

    /// The unsent output rows of the partition that name their records by range, in id order: what must
    /// be written out whole before the rows they name leave this database.
    public static func unsentNamedOutput(
        _ db: Database, sourceTopic: String, sourcePartition: Int32
    ) throws -> [(id: Int64, rowRanges: [RowRange], records: Int)] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, row_ranges, records FROM outbox WHERE channel = 0 AND row_ranges IS NOT NULL
                AND id > (SELECT sent_through FROM outbox_sent_through WHERE channel = 0)
                AND source_topic = ? AND source_partition = ? ORDER BY id
                """,
            arguments: [sourceTopic, sourcePartition]
        )
        return try rows.map { row in
            let ranges: Data = row["row_ranges"]
            return (row["id"], try RowRange.decode(Array(ranges)), row["records"])
        }
    }

    /// Deletes the record `id`.
    public static func delete(_ db: Database, id: Int64) throws {
        try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
    }

    /// The rows of `table` that unsent records (of either channel) name by offset range, per source
    /// partition: their lowest offset. Retention keeps these rows until the records are sent, since
    /// sending reads them back.
    public static func namedRows(_ db: Database, table: String) throws -> NamedRows {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT source_topic, source_partition, row_ranges FROM outbox_unsent WHERE row_ranges IS NOT NULL
                """
        )
        var named = NamedRows()
        while let row = try rows.next() {
            let ranges: Data = row["row_ranges"]
            for range in try RowRange.decode(Array(ranges)) where range.table == table {
                named.include(topic: row["source_topic"], partition: row["source_partition"], from: range.from)
            }
        }
        return named
    }

    /// How many changelog records of the partition wait for the broker.
    public static func unsentChangelogCount(_ db: Database, sourceTopic: String, sourcePartition: Int32) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM outbox WHERE channel = 1 AND id > (SELECT sent_through FROM outbox_sent_through WHERE channel = 1)
                AND source_topic = ? AND source_partition = ?
                """,
            arguments: [sourceTopic, sourcePartition]
        ) ?? 0
    }

    /// Deletes the unsent changelog records of the partition: another owner's history replaced them.
    public static func deleteUnsentChangelog(_ db: Database, sourceTopic: String, sourcePartition: Int32) throws {
        try db.execute(
            sql: """
                DELETE FROM outbox WHERE channel = 1 AND id > (SELECT sent_through FROM outbox_sent_through WHERE channel = 1)
                AND source_topic = ? AND source_partition = ?
                """,
            arguments: [sourceTopic, sourcePartition]
        )
    }

    /// The id up to which every record of `channel` was acknowledged by the broker.
    public static func sentThrough(_ db: Database, channel: OutboxRecord.Channel) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT sent_through FROM outbox_sent_through WHERE channel = ?", arguments: [channel.rawValue]) ?? 0
    }

    /// Shows `body` the unsent records of `channels` with an id above `afterID`, in id order, at most
    /// `limit` of them, until `body` returns `false` (the relay stops at a few megabytes of changelog
    /// records, or when its producer has no room for more messages).
    /// - Returns: how many records `body` saw.
    /// - Throws: `DatabaseError`, or what `body` throws.
    @discardableResult
    public static func forEachUnsent(
        _ db: Database, afterID: Int64, limit: Int, channels: Set<OutboxRecord.Channel>, _ body: (OutboxRecordView) throws -> Bool
    ) throws -> Int {
        let select = try BatchStatement(
            db,
            sql: """
                SELECT id, source_topic, source_partition, source_offset, key, value, channel, row_ranges, records FROM outbox
                WHERE id > ? AND channel IN (\(channels.map { "\($0.rawValue)" }.sorted().joined(separator: ", ")))
                AND id > (SELECT sent_through FROM outbox_sent_through WHERE outbox_sent_through.channel = outbox.channel)
                ORDER BY id LIMIT ?
                """
        )
        select.bind(afterID, at: 1)
        select.bind(Int64(limit), at: 2)
        var count = 0
        try select.forEachRow { row in
            let record = OutboxRecordView(
                id: row.integer(0),
                sourceTopic: row.bytes(1) ?? UnsafeRawBufferPointer(start: nil, count: 0),
                sourcePartition: Int32(truncatingIfNeeded: row.integer(2)),
                sourceOffset: row.integer(3),
                key: row.bytes(4),
                value: row.bytes(5) ?? UnsafeRawBufferPointer(start: nil, count: 0),
                channel: OutboxRecord.Channel(rawValue: row.integer(6)) ?? .output,
                rowRanges: row.bytes(7),
                records: Int(row.integer(8))
            )
            count += 1
            return try body(record)
        }
        return count
    }

    /// Moves `channel`'s watermark to `id`: every record of the channel up to it was acknowledged. The
    /// changelog's records up to it are deleted at once (nothing reads one once the broker has it, and
    /// a change set is up to 256 KB); the output topic's stay for `--retain-sent`, see
    /// ``deleteSent(_:createdBefore:limit:)``.
    public static func markSent(_ db: Database, channel: OutboxRecord.Channel, through id: Int64) throws {
        try db.execute(
            sql: "UPDATE outbox_sent_through SET sent_through = ? WHERE channel = ? AND sent_through < ?",
            arguments: [id, channel.rawValue, id]
        )
        guard db.changesCount > 0, channel == .changelog else { return }
        try db.execute(sql: "DELETE FROM outbox WHERE channel = 1 AND id <= ?", arguments: [id])
    }

    /// Deletes at most `limit` sent records created before `cutoff` (unix seconds), oldest first.
    /// - Returns: how many it deleted.
    public static func deleteSent(_ db: Database, createdBefore cutoff: Int64, limit: Int) throws -> Int {
        try db.cachedStatement(
            sql: """
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE created_at < ?
                    AND id <= (SELECT sent_through FROM outbox_sent_through WHERE outbox_sent_through.channel = outbox.channel)
                    ORDER BY id LIMIT ?)
                """
        ).execute(arguments: [cutoff, limit])
        return db.changesCount
    }

    /// The output topic's messages waiting for the broker, read from the rows above its watermark: cheap
    /// to ask after every batch while the relay keeps up (a few rows, each a partition's run of a batch),
    /// a scan of the backlog while it does not (one row per message with `--store-events false`).
    public static func pendingOutput(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(records), 0) FROM outbox
                WHERE id > (SELECT sent_through FROM outbox_sent_through WHERE channel = 0) AND channel = 0
                """
        ) ?? 0
    }

    /// How many messages wait for the broker, in both channels.
    public static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(records), 0) FROM outbox_unsent") ?? 0
    }
}

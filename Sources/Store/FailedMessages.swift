import Foundation
import GRDB
import Primitives

/// The `failed_messages` table: the retry table and the dead-letter store.
public enum FailedMessages {
    /// The table as the changelog carries it: every column but the local row id.
    public static let table = PartitionedTable(
        name: "failed_messages",
        columns: [
            "topic", "partition", "offset", "key", "payload", "headers", "error_class", "error", "attempts", "status", "reprocess",
            "first_failed_at", "last_attempt_at", "next_attempt_at",
        ],
        key: ["topic", "partition", "offset"]
    )

    /// Inserts `message` inside the caller's transaction: `dead`, or `retrying` until `nextAttemptAt`.
    /// - Throws: when the row cannot be written; the caller's transaction must then fail so that the
    ///   offset never moves past a message recorded nowhere.
    public static func insert(_ db: Database, _ message: FailedMessage, nextAttemptAt: Int64?, now: Int64) throws {
        try insert(db, message, headers: HeaderCoding.encode(message.headers), nextAttemptAt: nextAttemptAt, now: now)
    }

    /// Inserts `message` as ``insert(_:_:nextAttemptAt:now:)`` does, and appends the new row, whole,
    /// to `changes` as an upsert (for the changelog), from the values it inserted: reading it back
    /// with `RETURNING` costs SQLite a temporary table per row.
    public static func insert(_ db: Database, _ message: FailedMessage, nextAttemptAt: Int64?, now: Int64, recordingInto changes: inout ChangeSet) throws {
        let headers = HeaderCoding.encode(message.headers)
        try insert(db, message, headers: headers, nextAttemptAt: nextAttemptAt, now: now)
        // In the order of `table.columns`.
        changes.upsert(table)
        changes.append(message.topic)
        changes.append(Int64(message.partition))
        changes.append(message.offset)
        withOptionalBytes(message.key) { changes.append(blob: $0) }
        withOptionalBytes(message.payload) { changes.append(blob: $0) }
        changes.append(headers)
        changes.append(message.errorClass)
        changes.append(message.error)
        changes.append(Int64(1))
        changes.append(status(nextAttemptAt).rawValue)
        changes.append(Int64(0))
        changes.append(now)
        changes.append(now)
        if let nextAttemptAt { changes.append(nextAttemptAt) } else { changes.appendNull() }
    }

    private static func status(_ nextAttemptAt: Int64?) -> FailureStatus {
        nextAttemptAt == nil ? .dead : .retrying
    }

    private static func insert(_ db: Database, _ message: FailedMessage, headers: String?, nextAttemptAt: Int64?, now: Int64) throws {
        let insert = try BatchStatement(
            db,
            sql: """
                INSERT INTO failed_messages
                    (topic, partition, offset, key, payload, headers, error_class, error, attempts, status, reprocess,
                     first_failed_at, last_attempt_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 0, ?, ?, ?)
                """
        )
        insert.bind(message.topic, at: 1)
        insert.bind(Int64(message.partition), at: 2)
        insert.bind(message.offset, at: 3)
        insert.bind(headers, at: 6)
        insert.bind(message.errorClass, at: 7)
        insert.bind(message.error, at: 8)
        insert.bind(status(nextAttemptAt).rawValue, at: 9)
        insert.bind(now, at: 10)
        insert.bind(now, at: 11)
        insert.bind(nextAttemptAt, at: 12)
        try withOptionalBytes(message.key) { key in
            try withOptionalBytes(message.payload) { payload in
                insert.bind(blob: key, at: 4)
                insert.bind(blob: payload, at: 5)
                try insert.run()
            }
        }
    }

    /// Rows to run through the workload now, in their original (topic, partition, offset) order: those
    /// an operator flagged (`reprocess = 1`) and retries whose time has come.
    /// - Parameter claimedOnly: only rows of partitions this database claimed in the changelog.
    public static func due(_ db: Database, now: Int64, limit: Int, claimedOnly: Bool = false) throws -> [StoredFailure] {
        let claimed =
            claimedOnly
            ? "AND EXISTS (SELECT 1 FROM changelog_lines l WHERE l.topic = failed_messages.topic AND l.partition = failed_messages.partition)"
            : ""
        return try Row.fetchAll(
            db,
            sql: """
                SELECT \(StoredFailure.columns) FROM failed_messages
                WHERE ((reprocess = 1 AND status != 'resolved') OR (status = 'retrying' AND next_attempt_at <= ?)) \(claimed)
                ORDER BY topic, partition, offset LIMIT ?
                """,
            arguments: [now, limit]
        ).map(StoredFailure.init(row:))
    }

    /// Marks row `id` resolved: its effect was applied in the same transaction.
    public static func recordSuccess(_ db: Database, id: Int64, now: Int64) throws {
        try db.cachedStatement(
            sql: """
                UPDATE failed_messages SET status = 'resolved', reprocess = 0, attempts = attempts + 1,
                    last_attempt_at = ?, next_attempt_at = NULL
                WHERE id = ?
                """
        ).execute(arguments: [now, id])
    }

    /// Records another failed attempt of row `id`: `retrying` until `nextAttemptAt`, or `dead` when it is nil.
    public static func recordFailure(
        _ db: Database,
        id: Int64,
        errorClass: String,
        error: String,
        nextAttemptAt: Int64?,
        now: Int64
    ) throws {
        try db.cachedStatement(
            sql: """
                UPDATE failed_messages SET status = ?, reprocess = 0, attempts = attempts + 1, error_class = ?,
                    error = ?, last_attempt_at = ?, next_attempt_at = ?
                WHERE id = ?
                """
        ).execute(arguments: [
            (nextAttemptAt == nil ? FailureStatus.dead : .retrying).rawValue, errorClass, error, now, nextAttemptAt, id,
        ])
    }

    /// Sets `reprocess = 1` on the rows `filter` selects that are not resolved.
    /// - Returns: how many rows were flagged.
    public static func flag(_ db: Database, _ filter: FailureFilter) throws -> Int {
        let condition = filter.condition
        try db.execute(
            sql: "UPDATE failed_messages SET reprocess = 1 WHERE status != 'resolved' AND (\(condition.sql))",
            arguments: condition.arguments
        )
        return db.changesCount
    }

    /// The rows `filter` selects, newest attempt first.
    public static func list(_ db: Database, _ filter: FailureFilter, limit: Int) throws -> [StoredFailure] {
        let condition = filter.condition
        return try Row.fetchAll(
            db,
            sql: "SELECT \(StoredFailure.columns) FROM failed_messages WHERE \(condition.sql) ORDER BY last_attempt_at DESC, id DESC LIMIT \(limit)",
            arguments: condition.arguments
        ).map(StoredFailure.init(row:))
    }

    /// How many rows `filter` selects.
    public static func count(_ db: Database, _ filter: FailureFilter) throws -> Int {
        let condition = filter.condition
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM failed_messages WHERE \(condition.sql)", arguments: condition.arguments) ?? 0
    }

    /// Row `id`, or `nil`.
    public static func find(_ db: Database, id: Int64) throws -> StoredFailure? {
        try Row.fetchOne(db, sql: "SELECT \(StoredFailure.columns) FROM failed_messages WHERE id = ?", arguments: [id])
            .map(StoredFailure.init(row:))
    }

    /// Row counts by status and error class.
    public static func counts(_ db: Database) throws -> [(status: String, errorClass: String, count: Int)] {
        try Row.fetchAll(
            db,
            sql: "SELECT status, error_class, COUNT(*) FROM failed_messages GROUP BY status, error_class ORDER BY 1, 2"
        ).map { ($0[0], $0[1], $0[2]) }
    }
}

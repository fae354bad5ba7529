import GRDB

/// How long one table keeps its rows, and how the expired ones are deleted in small steps.
///
/// Most tables are pruned by a time column (``init(name:table:timeColumn:keyColumns:condition:retainSeconds:)``);
/// a table may instead bring its own step (``init(name:retainSeconds:deleteExpired:)``), e.g. to delete
/// through a coarser map than an index on every row's time.
public struct RetentionRule: Sendable {
    /// A name for logs and reports, e.g. `login_events` or `failed_messages (resolved)`.
    public var name: String
    /// How long rows stay; `nil` keeps them forever.
    public var retainSeconds: Int64?
    /// Deletes at most `limit` rows that expired before `cutoff` (unix seconds: now minus
    /// ``retainSeconds``) inside `db`'s open transaction.
    /// - Returns: how many rows it deleted; fewer than `limit` means no expired row is left.
    public var deleteExpired: @Sendable (_ db: Database, _ cutoff: Int64, _ limit: Int) throws -> Int

    /// Rows whose `timeColumn` (unix seconds; it should lead an index so that each step is cheap) is
    /// older than `retainSeconds` are deleted. Choose the event's own time where the table has one, so
    /// that a replay prunes the same rows.
    /// - Parameters:
    ///   - keyColumns: the columns that identify a row (`rowid` for tables that have one).
    ///   - condition: more SQL that a row must match to be pruned, e.g. `status = 'resolved'`.
    public init(name: String, table: String, timeColumn: String, keyColumns: [String], condition: String? = nil, retainSeconds: Int64?) {
        let keys = keyColumns.count == 1 ? keyColumns[0] : "(" + keyColumns.joined(separator: ", ") + ")"
        let extra = condition.map { " AND (\($0))" } ?? ""
        let sql =
            "DELETE FROM \(table) WHERE \(keys) IN (SELECT \(keyColumns.joined(separator: ", ")) FROM \(table) "
            + "WHERE \(timeColumn) < ?\(extra) LIMIT ?)"
        self.init(name: name, retainSeconds: retainSeconds) { db, cutoff, limit in
            try db.cachedStatement(sql: sql).execute(arguments: [cutoff, limit])
            return db.changesCount
        }
    }

    /// A rule with its own deletion step; see ``deleteExpired``.
    public init(name: String, retainSeconds: Int64?, deleteExpired: @escaping @Sendable (_ db: Database, _ cutoff: Int64, _ limit: Int) throws -> Int) {
        self.name = name
        self.retainSeconds = retainSeconds
        self.deleteExpired = deleteExpired
    }
}

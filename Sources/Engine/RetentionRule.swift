/// How long one table keeps its rows: rows whose `timeColumn` (unix seconds) is older than
/// `retainSeconds` are deleted in small steps. Choose the event's own time where the table has one,
/// so that a replay prunes the same rows.
public struct RetentionRule: Sendable, Equatable {
    /// A name for logs and reports, e.g. `login_events` or `failed_messages (resolved)`.
    public var name: String
    public var table: String
    /// A column of unix seconds; it should lead an index so that each step is cheap.
    public var timeColumn: String
    /// The columns that identify a row (`rowid` for tables that have one).
    public var keyColumns: [String]
    /// More SQL that a row must match to be pruned, e.g. `status = 'resolved'`.
    public var condition: String?
    /// How long rows stay; `nil` keeps them forever.
    public var retainSeconds: Int64?

    public init(name: String, table: String, timeColumn: String, keyColumns: [String], condition: String? = nil, retainSeconds: Int64?) {
        self.name = name
        self.table = table
        self.timeColumn = timeColumn
        self.keyColumns = keyColumns
        self.condition = condition
        self.retainSeconds = retainSeconds
    }

    /// Deletes at most `?2` rows older than `?1`.
    var deleteSQL: String {
        let keys = keyColumns.count == 1 ? keyColumns[0] : "(" + keyColumns.joined(separator: ", ") + ")"
        let extra = condition.map { " AND (\($0))" } ?? ""
        return "DELETE FROM \(table) WHERE \(keys) IN (SELECT \(keyColumns.joined(separator: ", ")) FROM \(table) "
            + "WHERE \(timeColumn) < ?\(extra) LIMIT ?)"
    }
}

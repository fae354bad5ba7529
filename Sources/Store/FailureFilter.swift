import GRDB

/// Which `failed_messages` rows a command is about. Empty means every row.
public struct FailureFilter: Sendable {
    public var ids: [Int64] = []
    public var status: FailureStatus?
    public var errorClass: String?
    /// Rows whose last attempt is at or after this unix time.
    public var since: Int64?

    public init(ids: [Int64] = [], status: FailureStatus? = nil, errorClass: String? = nil, since: Int64? = nil) {
        self.ids = ids
        self.status = status
        self.errorClass = errorClass
        self.since = since
    }

    /// The SQL condition and its arguments.
    var condition: (sql: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if !ids.isEmpty {
            clauses.append("id IN (" + ids.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += ids.map { $0 }
        }
        if let status {
            clauses.append("status = ?")
            arguments.append(status.rawValue)
        }
        if let errorClass {
            clauses.append("error_class = ?")
            arguments.append(errorClass)
        }
        if let since {
            clauses.append("last_attempt_at >= ?")
            arguments.append(since)
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), StatementArguments(arguments))
    }
}

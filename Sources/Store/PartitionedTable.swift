/// A table whose every row belongs to one source partition: the rows that move with the partition
/// when it changes owner (through the changelog) and leave an instance that no longer owns it.
public struct PartitionedTable: Sendable, Hashable {
    public var name: String
    /// The columns a row carries in the changelog, in order; the source topic and partition columns are
    /// among them. A local row id is not: it means nothing in another database.
    public var columns: [String]
    /// The columns that identify a row among all rows (a primary key or unique constraint, holding the
    /// source topic and partition): a restored row replaces the row with the same key.
    public var key: [String]
    public var topicColumn: String
    public var partitionColumn: String

    public init(name: String, columns: [String], key: [String], topicColumn: String = "topic", partitionColumn: String = "partition") {
        precondition(columns.contains(topicColumn) && columns.contains(partitionColumn), "\(name) must carry its source topic and partition")
        precondition(key.allSatisfy(columns.contains), "\(name)'s key columns must be among its columns")
        precondition(key.contains(topicColumn) && key.contains(partitionColumn), "\(name)'s key must hold its source topic and partition")
        self.name = name
        self.columns = columns
        self.key = key
        self.topicColumn = topicColumn
        self.partitionColumn = partitionColumn
    }

    /// `"name"`, quoted for SQL.
    var quotedName: String { Self.quote(name) }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func columnList(_ columns: [String]) -> String {
        columns.map(quote).joined(separator: ", ")
    }

    /// `WHERE "topic" = ? AND "partition" = ?`
    var partitionCondition: String {
        "\(Self.quote(topicColumn)) = ? AND \(Self.quote(partitionColumn)) = ?"
    }
}

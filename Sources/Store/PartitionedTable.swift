/// A table whose every row belongs to one source partition: the rows that move with the partition
/// when it changes owner (through the changelog) and leave an instance that no longer owns it.
public struct PartitionedTable: Sendable, Hashable {
    public let name: String
    /// The columns a row carries in the changelog, in order; the source topic and partition columns are
    /// among them. A local row id is not: it means nothing in another database.
    public let columns: [String]
    /// The columns that identify a row among all rows (a primary key or unique constraint, holding the
    /// source topic and partition): a restored row replaces the row with the same key.
    public let key: [String]
    /// How each column of ``columns`` combines when a change set merges a row into a stored one.
    public let merges: [ChangeSet.Merge]
    public let topicColumn: String
    public let partitionColumn: String
    /// The column holding the source offset of the message a row came from, when each row has one of its
    /// own: a change set may then name a range of rows by it (``RowRange``) instead of carrying them.
    public let offsetColumn: String?
    /// `"name"`, quoted for SQL.
    let quotedName: String
    /// Selects the changelog columns of the row with a given key (the key's values bound in order).
    let selectByKeySQL: String

    /// - Parameter merges: the columns that merge other than by replacing (a count that adds up);
    ///   never a key column.
    public init(
        name: String, columns: [String], key: [String], merges: [String: ChangeSet.Merge] = [:], topicColumn: String = "topic",
        partitionColumn: String = "partition", offsetColumn: String? = nil
    ) {
        precondition(columns.contains(topicColumn) && columns.contains(partitionColumn), "\(name) must carry its source topic and partition")
        precondition(key.allSatisfy(columns.contains), "\(name)'s key columns must be among its columns")
        precondition(key.contains(topicColumn) && key.contains(partitionColumn), "\(name)'s key must hold its source topic and partition")
        precondition(merges.keys.allSatisfy { columns.contains($0) && !key.contains($0) }, "\(name) merges only columns outside its key")
        precondition(offsetColumn.map(key.contains) ?? true, "\(name)'s offset column must be part of its key")
        self.name = name
        self.columns = columns
        self.key = key
        self.topicColumn = topicColumn
        self.partitionColumn = partitionColumn
        self.offsetColumn = offsetColumn
        self.merges = columns.map { merges[$0] ?? .replace }
        quotedName = Self.quote(name)
        selectByKeySQL =
            "SELECT \(Self.columnList(columns)) FROM \(quotedName) WHERE " + key.map { "\(Self.quote($0)) = ?" }.joined(separator: " AND ")
    }

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

import GRDB

/// The rows of one source partition in the partitioned tables: read whole into a change set (a
/// snapshot), deleted (the partition left this instance), or rebuilt from change sets (a restore).
public struct PartitionRows {
    public let tables: [PartitionedTable]
    public let topic: String
    public let partition: Int32

    public init(tables: [PartitionedTable], topic: String, partition: Int32) {
        self.tables = tables
        self.topic = topic
        self.partition = partition
    }

    /// Deletes every row of the partition.
    /// - Returns: how many rows were deleted.
    @discardableResult
    public func delete(_ db: Database) throws -> Int {
        var deleted = 0
        for table in tables {
            try db.execute(sql: "DELETE FROM \(table.quotedName) WHERE \(table.partitionCondition)", arguments: [topic, partition])
            deleted += db.changesCount
        }
        return deleted
    }

    /// Appends every row of the partition to `changes` as an upsert, table after table; calls `flush`
    /// whenever `changes` grew past `flushBytes`, so that a large partition never sits whole in memory.
    public func snapshot(_ db: Database, into changes: inout ChangeSet, flushBytes: Int = .max, flush: (inout ChangeSet) throws -> Void = { _ in }) throws {
        for table in tables {
            let rows = try Row.fetchCursor(
                db, sql: "SELECT \(PartitionedTable.columnList(table.columns)) FROM \(table.quotedName) WHERE \(table.partitionCondition)",
                arguments: [topic, partition]
            )
            while let row = try rows.next() {
                changes.upsert(table)
                for index in table.columns.indices { changes.append(row[index] as DatabaseValue) }
                if changes.bytes.count >= flushBytes { try flush(&changes) }
            }
        }
    }

    /// The rows of `ranges` as upserts, in order: what a change set named instead of carrying them, read
    /// when it is sent, to append to its bytes. Retention leaves them while the record waits
    /// (``Outbox/namedRows(_:table:)``).
    /// - Throws: ``StoreError`` when a range names a table that is not partitioned here or has no offset
    ///   column; what SQLite throws.
    public func rows(_ db: Database, of ranges: [RowRange]) throws -> ChangeSet {
        var rows = ChangeSet(capacity: 64 * 1024)
        for range in ranges { try appendRows(db, of: range, to: &rows) }
        return rows
    }

    private func appendRows(_ db: Database, of range: RowRange, to changes: inout ChangeSet) throws {
        guard let table = tables.first(where: { $0.name == range.table }), let offsetColumn = table.offsetColumn else {
            throw StoreError("an outbox record names rows of \(range.table) by offset, which this version of Eddy cannot read")
        }
        let offset = PartitionedTable.quote(offsetColumn)
        let select = try BatchStatement(
            db,
            sql: """
                SELECT \(PartitionedTable.columnList(table.columns)) FROM \(table.quotedName)
                WHERE \(table.partitionCondition) AND \(offset) >= ? AND \(offset) < ? ORDER BY \(offset)
                """
        )
        select.bind(topic, at: 1)
        select.bind(Int64(partition), at: 2)
        select.bind(range.from, at: 3)
        select.bind(range.to, at: 4)
        try select.forEachRow { row in
            changes.upsert(table)
            row.appendColumns(to: &changes)
            return true
        }
    }

    /// Appends the current state of the row of `table` with `key` (its values in `table.key` order):
    /// an upsert of the whole row, or a delete when there is none.
    public static func record(_ db: Database, _ table: PartitionedTable, key: [DatabaseValue], into changes: inout ChangeSet) throws {
        let select = try BatchStatement(db, sql: table.selectByKeySQL)
        for (index, value) in key.enumerated() { select.bind(value, at: Int32(index + 1)) }
        let found: Void? = try select.run { row in
            changes.upsert(table)
            row.appendColumns(to: &changes)
        }
        if found == nil {
            changes.delete(table)
            for value in key { changes.append(value) }
        }
    }

    /// Applies the change set in `bytes`: each upsert replaces the row with the same key, each merge
    /// combines with it (or is inserted), each delete removes it.
    /// - Throws: ``StoreError`` when the change set names a table or column that is not partitioned
    ///   here, or a row of another partition.
    public func apply(_ bytes: [UInt8], to db: Database) throws {
        var statements: [ChangeSet.Section: (Statement, topic: Int, partition: Int)] = [:]
        try ChangeSet.forEachRow(in: bytes) { section, values in
            if statements[section] == nil { statements[section] = try prepare(section, db) }
            let (statement, topicIndex, partitionIndex) = statements[section]!
            guard String.fromDatabaseValue(values[topicIndex]) == topic, Int32.fromDatabaseValue(values[partitionIndex]) == partition else {
                throw StoreError("a change to \(section.table) belongs to another partition than \(topic)/\(partition)")
            }
            try statement.execute(arguments: StatementArguments(values))
        }
    }

    private func prepare(_ section: ChangeSet.Section, _ db: Database) throws -> (Statement, topic: Int, partition: Int) {
        guard let table = tables.first(where: { $0.name == section.table }) else {
            throw StoreError("a change set names the table \(section.table), which holds no partitioned rows here")
        }
        if let unknown = section.columns.first(where: { !table.columns.contains($0) }) {
            throw StoreError("a change set names the column \(section.table).\(unknown), which this version of Eddy does not know")
        }
        guard let topicIndex = section.columns.firstIndex(of: table.topicColumn),
            let partitionIndex = section.columns.firstIndex(of: table.partitionColumn)
        else {
            throw StoreError("a change to \(section.table) does not say its source partition")
        }
        let placeholders = Array(repeating: "?", count: section.columns.count).joined(separator: ", ")
        let sql: String
        switch section.operation {
        case .upsert:
            sql = "INSERT OR REPLACE INTO \(table.quotedName) (\(PartitionedTable.columnList(section.columns))) VALUES (\(placeholders))"
        case .merge:
            let updates = zip(section.columns, section.merges).filter { !table.key.contains($0.0) }.map { column, merge in
                let name = PartitionedTable.quote(column)
                switch merge {
                case .replace: return "\(name) = excluded.\(name)"
                case .add: return "\(name) = \(name) + excluded.\(name)"
                case .min: return "\(name) = min(\(name), excluded.\(name))"
                case .max: return "\(name) = max(\(name), excluded.\(name))"
                }
            }
            guard table.key.allSatisfy(section.columns.contains), !updates.isEmpty else {
                throw StoreError("a change set merges rows of \(section.table) without their whole key and a value")
            }
            sql = """
                INSERT INTO \(table.quotedName) (\(PartitionedTable.columnList(section.columns))) VALUES (\(placeholders))
                ON CONFLICT (\(PartitionedTable.columnList(table.key))) DO UPDATE SET \(updates.joined(separator: ", "))
                """
        case .delete:
            sql = "DELETE FROM \(table.quotedName) WHERE " + section.columns.map { "\(PartitionedTable.quote($0)) = ?" }.joined(separator: " AND ")
        }
        return (try db.makeStatement(sql: sql), topicIndex, partitionIndex)
    }
}

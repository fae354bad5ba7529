import Foundation
import GRDB
import Store

/// What it takes to bring a database to the tables a workload file declares: tables to create, and
/// columns to add to tables an earlier version of the file created. Each table's declaration is recorded
/// in `declared_tables`; a change that would drop a column, change a column's type, a table's key, an
/// aggregation's window or what a measure computes is refused with ``DeclaredChangeError``: the rows
/// already there would be lost or misread. Eddy never drops or rewrites a table by itself.
public struct DeclaredMigrationPlan: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// A new table.
        case create(DeclaredTable)
        /// A table that exists already as declared, made before the file was (the built-in workload's):
        /// recorded, unchanged.
        case adopt(DeclaredTable)
        /// New columns at the end of a table; the rows already there get each one's ``DeclaredColumn/addedDefault``.
        case add(DeclaredTable, [DeclaredColumn])
    }

    /// The table that records each declared table's ``DeclaredTable/Shape``.
    public static let recordTable = "declared_tables"

    public let steps: [Step]
    /// Tables an earlier version of the file declared and this one does not: they stay as they are.
    public let undeclared: [String]

    /// Compares `schema` with what `db` holds and records.
    /// - Throws: ``DeclaredChangeError`` for a change that cannot be made in place; a database error when
    ///   `db` cannot be read.
    public static func make(_ schema: DeclaredSchema, in db: Database) throws -> DeclaredMigrationPlan {
        let recorded = try records(db)
        var steps: [Step] = []
        for table in schema.tables {
            if let shape = recorded[table.name] {
                let added = try Self.added(to: shape, by: table)
                if !added.isEmpty { steps.append(.add(table, added)) }
            } else if let existing = try existingShape(table.name, db) {
                guard existing.columns.map(\.name) == table.shape.columns.map(\.name), existing.key == table.shape.key,
                    zip(existing.columns, table.shape.columns).allSatisfy({ $0.isSameColumn(as: $1) })
                else {
                    throw DeclaredChangeError(
                        table: table.name,
                        "a table of that name exists already and is not the declared one (its columns: "
                            + existing.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + "); choose another table name"
                    )
                }
                steps.append(.adopt(table))
            } else {
                steps.append(.create(table))
            }
        }
        let declared = Set(schema.tables.map(\.name))
        return DeclaredMigrationPlan(steps: steps, undeclared: recorded.keys.filter { !declared.contains($0) }.sorted())
    }

    /// Compares `schema` with the database at `path`, through a read-only connection.
    /// - Throws: ``DeclaredChangeError``, or a database error when the file cannot be read.
    public static func make(_ schema: DeclaredSchema, databaseAt path: String) throws -> DeclaredMigrationPlan {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try make(schema, in: db) }
    }

    /// Brings the database of `store` to `schema`'s tables in one transaction.
    /// - Returns: the plan's ``summary``.
    /// - Throws: ``DeclaredChangeError`` for a change that cannot be made in place (nothing changes), or
    ///   `StoreError`.
    public static func migrate(_ schema: DeclaredSchema, in store: Store, now: Int64) throws -> [String] {
        try store.write { db in
            let plan = try make(schema, in: db)
            try plan.apply(db, now: now)
            return plan.summary
        }
    }

    /// Carries out the plan in `db`, inside the caller's transaction, and records the tables as declared.
    public func apply(_ db: Database, now: Int64) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS \(Self.recordTable) (
                    name        TEXT PRIMARY KEY,
                    shape       TEXT    NOT NULL, -- JSON: the columns, the key, the window, the measures
                    recorded_at INTEGER NOT NULL  -- unix seconds
                )
                """
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for step in steps {
            let table: DeclaredTable
            switch step {
            case .create(let created):
                try db.execute(sql: created.createSQL)
                table = created
            case .adopt(let adopted):
                table = adopted
            case .add(let changed, let columns):
                for column in columns { try db.execute(sql: changed.addSQL(column)) }
                table = changed
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO \(Self.recordTable) (name, shape, recorded_at) VALUES (?, ?, ?)",
                arguments: [table.name, String(decoding: try encoder.encode(table.shape), as: UTF8.self), now]
            )
        }
    }

    /// One line per step, for `eddy workload check --db`.
    public var summary: [String] {
        var lines = steps.map { step in
            switch step {
            case .create(let table): "creates \(table.name)"
            case .adopt(let table): "takes \(table.name) as it is (it has the declared columns)"
            case .add(let table, let columns):
                "adds to \(table.name): "
                    + columns.map { "\($0.name) (\($0.addedDefault.map { "\($0) for the rows already there" } ?? "NULL for the rows already there"))" }
                    .joined(separator: ", ")
            }
        }
        lines += undeclared.map { "leaves \($0) as it is: the file no longer declares it (drop it in sqlite3 once its rows are not needed)" }
        return lines.isEmpty ? ["nothing to change"] : lines
    }

    private static func records(_ db: Database) throws -> [String: DeclaredTable.Shape] {
        guard try db.tableExists(recordTable) else { return [:] }
        let decoder = JSONDecoder()
        var shapes: [String: DeclaredTable.Shape] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, shape FROM \(recordTable)") {
            let name: String = row["name"]
            let text: String = row["shape"]
            shapes[name] = try decoder.decode(DeclaredTable.Shape.self, from: Data(text.utf8))
        }
        return shapes
    }

    /// The columns and key of the table `name` as SQLite has them, or `nil` when there is none.
    private static func existingShape(_ name: String, _ db: Database) throws -> DeclaredTable.Shape? {
        guard try db.tableExists(name) else { return nil }
        let rows = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?) WHERE hidden = 0", arguments: [name])
        let columns = rows.map { DeclaredColumn($0["name"], $0["type"], notNull: ($0["notnull"] as Int) == 1) }
        let key = rows.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
        return DeclaredTable.Shape(columns: columns, key: key)
    }

    /// The columns `table` declares beyond those `recorded`, which can be added to the rows already there.
    private static func added(to recorded: DeclaredTable.Shape, by table: DeclaredTable) throws(DeclaredChangeError) -> [DeclaredColumn] {
        let declared = table.shape
        if recorded.key != declared.key {
            throw DeclaredChangeError(table: table.name, "its key changes from (\(recorded.key.joined(separator: ", "))) to (\(declared.key.joined(separator: ", "))): the rows already there would fall in other groups")
        }
        if recorded.windowSeconds != declared.windowSeconds {
            let seconds = { (value: Int64?) in value.map { "\($0) s" } ?? "none" }
            throw DeclaredChangeError(table: table.name, "its window changes from \(seconds(recorded.windowSeconds)) to \(seconds(declared.windowSeconds)): windows of both sizes would mix")
        }
        if recorded.timeColumn != declared.timeColumn {
            throw DeclaredChangeError(table: table.name, "the time its rows go by changes from \(recorded.timeColumn ?? "none") to \(declared.timeColumn ?? "none")")
        }
        for column in recorded.columns {
            guard let now = declared.columns.first(where: { $0.name == column.name }) else {
                throw DeclaredChangeError(table: table.name, "the column \(column.name) is no longer declared, and Eddy never drops a column")
            }
            guard now.isSameColumn(as: column) else {
                throw DeclaredChangeError(table: table.name, "the column \(column.name) changes from \(Self.describe(column)) to \(Self.describe(now))")
            }
            if let before = recorded.measures?[column.name], let after = declared.measures?[column.name], before != after {
                throw DeclaredChangeError(table: table.name, "the measure \(column.name) changes from \(before) to \(after): its stored values would mean something else")
            }
        }
        let added = declared.columns.filter { column in !recorded.columns.contains { $0.name == column.name } }
        for column in added where column.notNull && column.addedDefault == nil {
            throw DeclaredChangeError(table: table.name, "the new column \(column.name) may not be NULL, and the rows already there have no value for it: make its field optional")
        }
        return added
    }

    private static func describe(_ column: DeclaredColumn) -> String {
        column.type + (column.notNull ? " NOT NULL" : "")
    }
}

/// A change of a workload file that its tables cannot follow in place.
public struct DeclaredChangeError: Error, CustomStringConvertible, Sendable, Equatable {
    public var table: String
    public var reason: String

    init(table: String, _ reason: String) {
        self.table = table
        self.reason = reason
    }

    public var description: String {
        "the table \(table) cannot change as the file now says: \(reason). Declare the new version under another table name "
            + "(the old table stays; drop it in sqlite3 once its rows are not needed)"
    }
}

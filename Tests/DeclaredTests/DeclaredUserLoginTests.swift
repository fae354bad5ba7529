import Declared
import Foundation
import GRDB
import Logins
import Store
import Testing

/// `workloads/user-login.yaml` declares exactly the tables the built-in workload's migrations make.
@Suite struct DeclaredUserLoginTests {
    static let workloads = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../workloads").standardized

    static func definition(_ name: String) throws -> WorkloadDefinition {
        try DefinitionReader.read(file: workloads.appendingPathComponent(name).path)
    }

    /// Each table's columns as SQLite reports them: name, declared type, NOT NULL, position in the key.
    static func columns(_ db: Database, _ table: String) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA table_xinfo(\(table))").map { row in
            "\(row["name"] as String) \(row["type"] as String) notnull=\(row["notnull"] as Int) pk=\(row["pk"] as Int)"
        }
    }

    @Test func theDeclaredTablesAreTheBuiltInOnesColumnForColumn() throws {
        let schema = DeclaredSchema(try Self.definition("user-login.yaml"))
        let declared = try DatabaseQueue()
        try declared.write { db in for statement in schema.statements { try db.execute(sql: statement) } }
        let builtIn = try DatabaseQueue()
        try builtIn.write { db in for migration in LoginsMigrations.all { try db.execute(sql: migration.sql) } }
        let tables = ["login_events", "login_event_minutes", "login_counts"]
        #expect(Set(schema.tables.map(\.name)) == Set(tables))
        for table in tables {
            let mine = try declared.read { try Self.columns($0, table) }
            let theirs = try builtIn.read { try Self.columns($0, table) }
            #expect(mine == theirs, "\(table)")
            #expect(!mine.isEmpty)
        }
        let withoutRowID = try declared.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID'")
        }
        #expect(Set(withoutRowID) == Set(tables))
    }

    @Test func theChangelogCarriesTheDeclaredTablesAsTheBuiltInOnes() throws {
        let schema = DeclaredSchema(try Self.definition("user-login.yaml"))
        #expect(Set(schema.partitionedTables) == Set(LoginsWorkload().partitionedTables))
    }

    @Test func theOrdersWorkloadReadsAsWritten() throws {
        let orders = try Self.definition("orders.yaml")
        #expect(orders.topics == ["orders"])
        #expect(orders.field("amount")?.type == .decimal && orders.field("amount")?.scale == 2)
        #expect(orders.field("status")?.defaultValue == "unknown")
        #expect(orders.field("currency")?.checks == [.oneOf(["EUR", "USD", "GBP", "JPY", "CHF"])])
        let totals = try #require(orders.aggregations.first)
        #expect(totals.windowSeconds == 3_600 && totals.groupBy == ["currency", "status"] && totals.latenessSeconds == 172_800)
        #expect(totals.measures == [Measure(name: "orders", kind: .count), Measure(name: "amount", kind: .sum("amount")),
                                    Measure(name: "largest", kind: .max("amount"))])
        let schema = DeclaredSchema(orders)
        let db = try DatabaseQueue()
        try db.write { db in for statement in schema.statements { try db.execute(sql: statement) } }
        let columns = try db.read { try Self.columns($0, "order_totals") }
        #expect(columns == [
            "window_start INTEGER notnull=1 pk=1", "currency TEXT notnull=1 pk=4", "status TEXT notnull=1 pk=5",
            "topic TEXT notnull=1 pk=2", "partition INTEGER notnull=1 pk=3", "orders INTEGER notnull=1 pk=0",
            "amount INTEGER notnull=1 pk=0", "largest INTEGER notnull=0 pk=0", "updated_at INTEGER notnull=1 pk=0",
        ])
    }
}

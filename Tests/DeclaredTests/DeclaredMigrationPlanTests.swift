import Declared
import Foundation
import GRDB
import Logins
import Testing

/// A changed workload file changes its tables in place only where no row is lost or misread.
@Suite struct DeclaredMigrationPlanTests {
    static let orders = """
        name: orders
        source: {topics: [orders]}
        fields:
          order_id: {type: string, required: true}
          amount: {type: decimal, scale: 2, required: true}
          currency: {type: string, required: true}
          ts: {type: rfc3339, required: true}
        events: {table: order_events, time: ts, retention: 30d}
        aggregations:
          - table: order_totals
            window: 1h
            time: ts
            group_by: [currency]
            measures: {orders: count, amount: {sum: amount}}
        """

    static func schema(_ yaml: String) throws -> DeclaredSchema {
        DeclaredSchema(try DefinitionReader.read(yaml, file: "orders.yaml"))
    }

    /// Plans and applies `yaml` to `db`; returns the plan.
    @discardableResult
    static func migrate(_ db: DatabaseQueue, _ yaml: String) throws -> DeclaredMigrationPlan {
        try db.write { db in
            let plan = try DeclaredMigrationPlan.make(try schema(yaml), in: db)
            try plan.apply(db, now: 1_796_000_000)
            return plan
        }
    }

    static func change(_ replace: String, _ with: String) -> String {
        precondition(orders.contains(replace))
        return orders.replacingOccurrences(of: replace, with: with)
    }

    @Test func aNewDatabaseGetsEveryTableAndThenNothingChanges() throws {
        let db = try DatabaseQueue()
        let first = try Self.migrate(db, Self.orders)
        #expect(first.summary == ["creates order_events", "creates order_events_minutes", "creates order_totals"])
        #expect(try Self.migrate(db, Self.orders).summary == ["nothing to change"])
        let recorded = try db.read { try String.fetchAll($0, sql: "SELECT name FROM declared_tables ORDER BY name") }
        #expect(recorded == ["order_events", "order_events_minutes", "order_totals"])
    }

    @Test func newMeasuresAndOptionalFieldsAreAddedToTheRowsAlreadyThere() throws {
        let db = try DatabaseQueue()
        try Self.migrate(db, Self.orders)
        try db.write { db in
            try db.execute(sql: "INSERT INTO order_totals VALUES (0, 'EUR', 'orders', 0, 3, 1500, 0)")
        }
        let changed = Self.change("  ts: {type: rfc3339", "  customer: {type: string}\n  ts: {type: rfc3339")
            .replacingOccurrences(of: "measures: {orders: count, amount: {sum: amount}}",
                                  with: "measures: {orders: count, amount: {sum: amount}, largest: {max: amount}, lines: count}")
        let plan = try Self.migrate(db, changed)
        #expect(plan.summary == [
            "adds to order_events: customer (NULL for the rows already there)",
            "adds to order_totals: largest (NULL for the rows already there), lines (0 for the rows already there)",
        ])
        let row = try db.read { try Row.fetchOne($0, sql: "SELECT orders, amount, largest, lines FROM order_totals") }
        #expect(row == ["orders": 3, "amount": 1500, "largest": nil, "lines": 0])
        #expect(try Self.migrate(db, changed).summary == ["nothing to change"])
    }

    struct Refused: CustomTestStringConvertible, Sendable {
        let kind: String
        let replace: String
        let with: String
        let says: String
        var testDescription: String { kind }
    }

    static let refused: [Refused] = [
        Refused(kind: "a window of another size", replace: "window: 1h", with: "window: 1d", says: "its window changes from 3600 s to 86400 s"),
        Refused(kind: "a group added", replace: "group_by: [currency]", with: "group_by: [currency, order_id]",
                says: "its key changes from (window_start, topic, partition, currency) to (window_start, topic, partition, currency, order_id)"),
        Refused(kind: "a measure dropped", replace: "measures: {orders: count, amount: {sum: amount}}", with: "measures: {orders: count}",
                says: "the column amount is no longer declared"),
        Refused(kind: "a measure that computes something else", replace: "amount: {sum: amount}}", with: "amount: {max: amount}}",
                says: "the column amount changes from INTEGER NOT NULL to INTEGER"),
        Refused(kind: "a field of another type", replace: "currency: {type: string, required: true}", with: "currency: {type: integer, required: true}",
                says: "the column currency changes from TEXT NOT NULL to INTEGER NOT NULL"),
        Refused(kind: "a new required field", replace: "  ts: {type: rfc3339", with: "  customer: {type: string, required: true}\n  ts: {type: rfc3339",
                says: "the new column customer may not be NULL"),
    ]

    @Test(arguments: refused)
    func aChangeThatWouldLoseOrMisreadRowsIsRefused(_ change: Refused) throws {
        let db = try DatabaseQueue()
        try Self.migrate(db, Self.orders)
        let error = #expect(throws: DeclaredChangeError.self) { try Self.migrate(db, Self.change(change.replace, change.with)) }
        #expect(error?.description.contains(change.says) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("Declare the new version under another table name") == true)
        // Nothing changed: the original file still plans nothing.
        #expect(try Self.migrate(db, Self.orders).summary == ["nothing to change"])
    }

    @Test func aMeasureThatComputesSomethingElseInTheSameColumnTypeIsRefused() throws {
        let db = try DatabaseQueue()
        let counted = Self.change("measures: {orders: count, amount: {sum: amount}}", "measures: {orders: count, amount: {sum: amount}, n: count}")
        try Self.migrate(db, counted)
        let error = #expect(throws: DeclaredChangeError.self) {
            try Self.migrate(db, counted.replacingOccurrences(of: "n: count", with: "n: {sum: amount}"))
        }
        #expect(error?.description.contains("the measure n changes from count to sum(amount)") == true, "\(error?.description ?? "")")
    }

    @Test func theBuiltInLoginTablesAreTakenAsTheyAre() throws {
        let db = try DatabaseQueue()
        try db.write { db in for migration in LoginsMigrations.all { try db.execute(sql: migration.sql) } }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../workloads/user-login.yaml")
        let plan = try db.write { db in
            let plan = try DeclaredMigrationPlan.make(DeclaredSchema(try DefinitionReader.read(file: url.standardized.path)), in: db)
            try plan.apply(db, now: 0)
            return plan
        }
        #expect(plan.steps.allSatisfy { if case .adopt = $0 { true } else { false } } && plan.steps.count == 3)
        let changed = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "window: 1m", with: "window: 5m")
        #expect(throws: DeclaredChangeError.self) {
            try db.read { db in try DeclaredMigrationPlan.make(DeclaredSchema(try DefinitionReader.read(changed, file: "u.yaml")), in: db) }
        }
    }

    @Test func aTableOfThatNameThatIsNotTheDeclaredOneIsRefused() throws {
        let db = try DatabaseQueue()
        try db.write { try $0.execute(sql: "CREATE TABLE order_totals (x TEXT)") }
        let error = #expect(throws: DeclaredChangeError.self) { try Self.migrate(db, Self.orders) }
        #expect(error?.description.contains("a table of that name exists already and is not the declared one (its columns: x TEXT)") == true)
    }
}

import Foundation
import GRDB
import Logins
import Store
import Testing

/// A database made by eddy 763c3a9, whose Store applied all four migrations itself, meets the engine's
/// and the workload's migrations: only the changelog's are applied, nothing is lost, the schema is a
/// new database's, and the service goes on consuming into it.
@Suite struct EarlierDatabaseTests {
    /// The counts stored in the fixture, keyed like `PipelineFixture.storedCounts()`.
    static let fixtureCounts = [
        "1699999980|android|RU|2.3.0": 1, "1699999980|ios|US|1.0.0": 1,
        "1700000040|android|RU|2.3.0": 1, "1700000040|web|unknown|unknown": 1,
    ]

    /// Runs the SQL text of `dump` in a new database file at `path`.
    private func load(_ dump: URL, into path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: try String(contentsOf: dump, encoding: .utf8)) }
        try queue.close()
    }

    /// Every row of every table, by table.
    private func contents(_ store: Store) throws -> [String: [Row]] {
        try store.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            return try Dictionary(uniqueKeysWithValues: tables.map { ($0, try Row.fetchAll(db, sql: "SELECT * FROM \($0)")) })
        }
    }

    /// What `sqlite_master` holds but the page numbers: each table and index, and the SQL that made it.
    private func schema(_ store: Store) throws -> [Row] {
        try store.read { db in try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name") }
    }

    @Test func migratesWithNothingAppliedAndNothingLostThenKeepsWorking() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        let dump = try #require(Bundle.module.url(forResource: "eddy-763c3a9", withExtension: "sql", subdirectory: "Fixtures"))
        try load(dump, into: fixture.dbPath)

        let store = try Store(path: fixture.dbPath)
        let before = try contents(store)
        let rows = [
            "consumer_offsets": 2, "failed_messages": 4, "grdb_migrations": 4, "login_counts": 4, "login_event_minutes": 2,
            "login_events": 4, "outbox": 2,
        ]
        #expect(before.mapValues(\.count) == rows, "the fixture has rows in every table")
        #expect(
            try Migrations.apply(to: store, workload: LoginsMigrations.all) == [
                "0005_changelog", "0008_outbox_sent_through", "0009_outbox_row_ranges", "0010_outbox_records", "0011_offset_gaps", "0012_offset_resets", "0006_login_counts_by_partition",
                "0007_login_counts_clustered_by_partition",
            ]
        )
        var after = try contents(store)
        #expect(after["grdb_migrations"]?.count == 12)
        // Record 1 was sent, record 2 not: the output's watermark stops before 2; the changelog had none.
        #expect(after.removeValue(forKey: "outbox_sent_through")?.map { [$0["channel"], $0["sent_through"]] as [Int64] } == [[0, 1], [1, 2]])
        #expect(after.removeValue(forKey: "sqlite_sequence")?.map { $0["seq"] as Int64 } == [2])
        #expect(try store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM outbox_unsent") } == [2])
        #expect(after["changelog_lines"] == [])
        // The counts cannot be attributed to a partition; the outbox rows are for the output topic.
        #expect(after.removeValue(forKey: "login_counts")?.map { [$0["topic"], $0["partition"]] as [DatabaseValue] } == Array(
            repeating: ["".databaseValue, (-1).databaseValue], count: 4
        ))
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT SUM(logins) FROM login_counts") } == 4)
        #expect(after.removeValue(forKey: "outbox")?.map { $0["channel"] as Int64 } == [0, 0])
        for table in ["login_events", "login_event_minutes", "failed_messages", "consumer_offsets"] {
            #expect(after[table] == before[table], "\(table) is as it was")
        }
        let fresh = try Store(path: fixture.directory + "/fresh.db")
        try Migrations.apply(to: fresh, workload: LoginsMigrations.all)
        #expect(try schema(store) == schema(fresh))
        try fresh.close()
        try store.close()

        // The service consumes into it: new events beside the earlier ones, counts added to theirs.
        try fixture.produce(count: 500, seed: 12, badShare: 0.1)
        try await fixture.process(count: 500)
        #expect(try fixture.storedCounts() == fixture.expectedCounts.merging(Self.fixtureCounts, uniquingKeysWith: +))
        let valid = fixture.produced.filter(\.kind.isValid).count
        #expect(try fixture.scalar("SELECT COUNT(*) FROM login_events") == 4 + valid)
        let reopened = try Store(path: fixture.dbPath)
        let events = try contents(reopened)["login_events"] ?? []
        try reopened.close()
        #expect(events.filter { $0["topic"] == "legacy-login" } == before["login_events"], "the earlier events are still there")
        #expect(try fixture.scalar("SELECT COUNT(*) FROM login_event_minutes WHERE topic = 'legacy-login'") == 2)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM consumer_offsets WHERE topic = 'legacy-login'") == 2)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM consumer_offsets WHERE topic = 'user-login'") == 2)
    }
}

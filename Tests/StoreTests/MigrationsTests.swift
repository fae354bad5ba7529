import Foundation
import GRDB
import Testing

import Store

/// The engine's migrations alone, and what a workload's migrations may and may not do next to them.
@Suite struct MigrationsTests {
    let directory: TemporaryDirectory
    let store: Store

    init() throws {
        directory = try TemporaryDirectory()
        store = try Store(path: directory.file("eddy.db"))
    }

    /// A workload migration creating one table.
    private func table(_ name: String, number: Int) -> Migration {
        Migration(name: "00\(number)_\(name)", sql: "CREATE TABLE \(name) (x INTEGER)")
    }

    private func tables() throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'grdb_migrations' ORDER BY name")
        }
    }

    @Test func migrateCreatesTheEngineTablesOnceInWALMode() throws {
        defer { directory.remove() }
        #expect(try Migrations.apply(to: store, workload: []) == ["0001_core", "0003_retention_outbox", "0005_changelog", "0008_outbox_sent_through", "0009_outbox_row_ranges", "0010_outbox_records", "0011_offset_gaps", "0012_offset_resets"])
        #expect(try Migrations.apply(to: store, workload: []).isEmpty)
        #expect(try Migrations.currentVersion(of: store) == "0012_offset_resets")
        #expect(try tables() == ["changelog_lines", "consumer_offsets", "failed_messages", "offset_gaps", "offset_resets", "outbox", "outbox_sent_through", "sqlite_sequence"], "the workload's tables are the workload's")
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        let permissions = try FileManager.default.attributesOfItem(atPath: directory.file("eddy.db"))[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        try store.close()
    }

    /// A workload's migration may use the engine's tables: they exist by the time it runs.
    @Test func workloadMigrationsRunAfterTheEnginesEachOnce() throws {
        defer { directory.remove() }
        let first = Migration(name: "0013_first", sql: "CREATE TABLE first (x INTEGER); INSERT INTO first SELECT COUNT(*) FROM outbox")
        let second = table("second", number: 14)
        #expect(Migrations.names(workload: [first]) == ["0001_core", "0003_retention_outbox", "0005_changelog", "0008_outbox_sent_through", "0009_outbox_row_ranges", "0010_outbox_records", "0011_offset_gaps", "0012_offset_resets", "0013_first"])
        #expect(try Migrations.apply(to: store, workload: [first]) == ["0001_core", "0003_retention_outbox", "0005_changelog", "0008_outbox_sent_through", "0009_outbox_row_ranges", "0010_outbox_records", "0011_offset_gaps", "0012_offset_resets", "0013_first"])
        #expect(try Migrations.apply(to: store, workload: [first, second]) == ["0014_second"])
        #expect(try tables() == ["changelog_lines", "consumer_offsets", "failed_messages", "first", "offset_gaps", "offset_resets", "outbox", "outbox_sent_through", "second", "sqlite_sequence"])
        #expect(try Migrations.currentVersion(of: store) == "0014_second")
    }

    /// Each migration has its own transaction: a failing one leaves nothing behind, the ones before it stay.
    @Test func aFailingWorkloadMigrationIsRolledBack() throws {
        defer { directory.remove() }
        let broken = Migration(name: "0013_broken", sql: "CREATE TABLE half (x INTEGER); INSERT INTO missing VALUES (1)")
        let error = #expect(throws: StoreError.self) { try Migrations.apply(to: store, workload: [broken]) }
        #expect(error?.message.contains("no such table: missing") == true)
        #expect(try tables() == ["changelog_lines", "consumer_offsets", "failed_messages", "offset_gaps", "offset_resets", "outbox", "outbox_sent_through", "sqlite_sequence"])
        let recorded = try store.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY 1") }
        #expect(recorded == ["0001_core", "0003_retention_outbox", "0005_changelog", "0008_outbox_sent_through", "0009_outbox_row_ranges", "0010_outbox_records", "0011_offset_gaps", "0012_offset_resets"])
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        defer { directory.remove() }
        try Migrations.apply(to: store, workload: [])
        try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('9999_future')") }
        let error = #expect(throws: StoreError.self) { try Migrations.apply(to: store, workload: []) }
        #expect(error?.message.contains("(9999_future)") == true)
    }

    /// The workload's migrations count as known only when the workload is given.
    @Test func refusesADatabaseWithMigrationsOfAWorkloadNotGiven() throws {
        defer { directory.remove() }
        try Migrations.apply(to: store, workload: [table("first", number: 10)])
        let error = #expect(throws: StoreError.self) { try Migrations.apply(to: store, workload: []) }
        #expect(error?.message.contains("(0010_first)") == true)
    }

    @Test func aWorkloadMigrationCannotTakeTheNameOfAnother() throws {
        defer { directory.remove() }
        let clash = Migration(name: "0001_core", sql: "CREATE TABLE clash (x INTEGER)")
        let error = #expect(throws: StoreError.self) { try Migrations.apply(to: store, workload: [clash]) }
        #expect(error?.message.contains("more than one migration is named 0001_core") == true)
        #expect(try store.read { db in try db.tableExists("grdb_migrations") } == false, "nothing ran")
    }

    @Test func missingDirectoryIsAClearError() throws {
        defer { directory.remove() }
        do {
            _ = try Store(path: "/nonexistent-eddy-dir/eddy.db")
            Issue.record("opening a database in a missing directory succeeded")
        } catch {
            #expect(error.message.contains("does not exist"))
        }
    }
}

import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct MigrationsTests {
    /// The binary carries the migrations; this fails when `migrations/*.sql` changed without
    /// `make migrations`.
    @Test func embeddedCopyMatchesTheFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == Migrations.names, "run `make migrations`")
        for (file, embedded) in zip(files, Migrations.embedded) {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(
                text.trimmingCharacters(in: .newlines) == embedded.sql.trimmingCharacters(in: .newlines),
                "\(file) differs from the embedded copy: run `make migrations`"
            )
        }
    }

    @Test func migrateCreatesTheSchemaOnceInWALMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.file("eddy.db"))
        #expect(try Migrations.apply(to: store) == Migrations.names)
        #expect(try Migrations.apply(to: store).isEmpty)
        #expect(try Migrations.currentVersion(of: store) == Migrations.names.last)
        let tables = ["consumer_offsets", "failed_messages", "login_events", "login_counts", "outbox", "login_event_minutes"]
        let existing = try store.read { db in try tables.filter { try db.tableExists($0) } }
        #expect(existing == tables)
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        let permissions = try FileManager.default.attributesOfItem(atPath: directory.file("eddy.db"))[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        try store.close()
    }

    /// A database written before `login_event_minutes` existed gets the map of its stored events.
    @Test func theMinutesMapIsBuiltForEventsStoredBeforeIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.file("eddy.db"))
        var before = DatabaseMigrator()
        for migration in Migrations.embedded.prefix(while: { $0.name < "0004" }) {
            before.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        try before.migrate(store.pool)
        try store.write { db in
            for (partition, offset, time) in [(0, 5, 120), (0, 9, 179), (0, 7, 60), (1, 3, 130)] {
                try db.execute(
                    sql: "INSERT INTO login_events (topic, partition, offset, user_id, event_time) VALUES ('t', ?, ?, 'u', ?)",
                    arguments: [partition, offset, time]
                )
            }
        }
        #expect(try Migrations.apply(to: store) == ["0004_login_event_minutes"])
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM login_event_minutes ORDER BY minute_start, partition").map {
                [$0["minute_start"], $0["partition"], $0["first_offset"], $0["last_offset"]] as [Int64]
            }
        }
        #expect(rows == [[60, 0, 7, 7], [120, 0, 5, 9], [120, 1, 3, 3]])
        #expect(try store.read { db in try db.indexes(on: "login_events").map(\.name) } == ["sqlite_autoindex_login_events_1"], "only the key is indexed")
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.file("eddy.db"))
        try Migrations.apply(to: store)
        try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('9999_future')") }
        #expect(throws: StoreError.self) { try Migrations.apply(to: store) }
    }

    @Test func missingDirectoryIsAClearError() throws {
        do {
            _ = try Store(path: "/nonexistent-eddy-dir/eddy.db")
            Issue.record("opening a database in a missing directory succeeded")
        } catch {
            #expect(error.message.contains("does not exist"))
        }
    }
}

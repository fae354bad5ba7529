import Foundation
import GRDB
import Logins
import Store
import Testing

/// The workload's own migrations: run after the engine's, and the minute map built for the events
/// stored before it.
@Suite struct LoginsMigrationsTests {
    let directory = NSTemporaryDirectory() + "eddy-logins-migrations-" + UUID().uuidString
    let store: Store

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try Store(path: directory + "/eddy.db")
    }

    @Test func aNewDatabaseGetsTheEnginesTablesThenTheWorkloads() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let applied = try Migrations.apply(to: store, workload: LoginsMigrations.all)
        #expect(applied == [
            "0001_core", "0003_retention_outbox", "0005_changelog", "0008_outbox_sent_through", "0009_outbox_row_ranges", "0010_outbox_records", "0011_offset_gaps", "0012_offset_resets", "0002_logins", "0004_login_event_minutes", "0006_login_counts_by_partition",
            "0007_login_counts_clustered_by_partition",
        ])
        #expect(applied == Migrations.names(workload: LoginsMigrations.all))
        let tables = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'grdb_migrations' ORDER BY name")
        }
        #expect(tables == [
            "changelog_lines", "consumer_offsets", "failed_messages", "login_counts", "login_event_minutes", "login_events", "offset_gaps", "offset_resets", "outbox",
            "outbox_sent_through", "sqlite_sequence",
        ])
        #expect(try Migrations.currentVersion(of: store) == "0012_offset_resets")
    }

    /// A database written before `login_event_minutes` existed gets the map of its stored events.
    @Test func theMinutesMapIsBuiltForEventsStoredBeforeIt() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Migrations.apply(to: store, workload: LoginsMigrations.all.filter { $0.name < "0004" })
        try store.write { db in
            for (partition, offset, time) in [(0, 5, 120), (0, 9, 179), (0, 7, 60), (1, 3, 130)] {
                try db.execute(
                    sql: "INSERT INTO login_events (topic, partition, offset, user_id, event_time) VALUES ('t', ?, ?, 'u', ?)",
                    arguments: [partition, offset, time]
                )
            }
        }
        #expect(try Migrations.apply(to: store, workload: LoginsMigrations.all) == [
            "0004_login_event_minutes", "0006_login_counts_by_partition", "0007_login_counts_clustered_by_partition",
        ])
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM login_event_minutes ORDER BY minute_start, partition").map {
                [$0["minute_start"], $0["partition"], $0["first_offset"], $0["last_offset"]] as [Int64]
            }
        }
        #expect(rows == [[60, 0, 7, 7], [120, 0, 5, 9], [120, 1, 3, 3]])
        let indexes = try store.read { db in try db.indexes(on: "login_events").map(\.name) }
        #expect(indexes == ["sqlite_autoindex_login_events_1"], "only the key is indexed")
    }

    /// Re-keyed so that a partition's rows of a minute sit together, `login_counts` keeps every row.
    @Test func countsKeepTheirRowsWhenKeyedByPartitionWithinTheMinute() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Migrations.apply(to: store, workload: LoginsMigrations.all.filter { $0.name < "0007" })
        let rows: [[DatabaseValue]] = [
            [60.databaseValue, "mobile".databaseValue, "en".databaseValue, "1.0".databaseValue, "t".databaseValue, 1.databaseValue, 3.databaseValue],
            [60.databaseValue, "desktop".databaseValue, "en".databaseValue, "1.0".databaseValue, "t".databaseValue, 0.databaseValue, 2.databaseValue],
            [0.databaseValue, "mobile".databaseValue, "en".databaseValue, "1.0".databaseValue, "".databaseValue, (-1).databaseValue, 5.databaseValue],
        ]
        try store.write { db in
            for row in rows {
                try db.execute(
                    sql: """
                        INSERT INTO login_counts (window_start, device_type, locale, app_version, topic, partition, logins, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 9)
                        """,
                    arguments: StatementArguments(row)
                )
            }
        }
        #expect(try Migrations.apply(to: store, workload: LoginsMigrations.all) == ["0007_login_counts_clustered_by_partition"])
        let (after, key) = try store.read { db in
            let after = try Row.fetchAll(
                db, sql: "SELECT window_start, device_type, locale, app_version, topic, partition, logins FROM login_counts ORDER BY logins DESC"
            ).map { row in (0..<7).map { row[$0] as DatabaseValue } }
            let key = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info('login_counts') WHERE pk > 0 ORDER BY pk").map { $0[0] as String }
            return (after, key)
        }
        #expect(after == [rows[2], rows[0], rows[1]])
        #expect(key == ["window_start", "topic", "partition", "device_type", "locale", "app_version"])
    }
}

import Foundation
import GRDB
import Kafka
import Generators
import Store
import Testing

@testable import Engine
@testable import Logins

/// With the changelog on, a batch's change sets hold every row it wrote to the partitioned tables, the
/// stored events named by offset range and read as the relay reads them: a database rebuilt from them
/// alone equals the one the batch was applied to.
@Suite struct LoginsChangesTests {
    let directory = NSTemporaryDirectory() + "eddy-logins-changes-" + UUID().uuidString

    @Test func aDatabaseRebuiltFromABatchsChangeSetsHoldsItsRows() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let applied = try Store(path: directory + "/applied.db")
        let rebuilt = try Store(path: directory + "/rebuilt.db")
        let fromMemory = try Store(path: directory + "/from-memory.db")
        for store in [applied, rebuilt, fromMemory] { try Migrations.apply(to: store, workload: LoginsMigrations.all) }

        // Runs of one partition, as fetches deliver them: long enough that partition 0's events are
        // staged in more than one segment; with bad messages between the events.
        let workload = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: nil, countsRetentionSeconds: nil, changelog: true))
        var generator = LoginEventGenerator(seed: 7, badShare: 0.1, baseTime: 1_700_000_000)
        var failed: [(partition: Int32, offset: Int64)] = []
        var batch = workload.makeBatch(capacity: 2_000)
        var offsets: [Int32: Int64] = [0: 0, 1: 0]
        for (partition, count) in [(0, 1_200), (1, 300), (0, 200)] as [(Int32, Int)] {
            for _ in 0..<count {
                let message = generator.next()
                let failure = (message.value ?? []).withUnsafeBytes { value in
                    workload.stage(
                        IncomingMessage(topic: "user-login", partition: partition, offset: offsets[partition]!, key: nil, value: value),
                        into: &batch
                    )
                }
                if failure != nil { failed.append((partition, offsets[partition]!)) }
                offsets[partition]! += 1
            }
        }
        #expect(batch.eventChanges.segments.filter { $0.partition == 0 }.count > 2, "partition 0's rows span several segments")

        let changes = PartitionChanges()
        try applied.write { db in try workload.apply(batch, to: db, now: 1_700_000_100, changes: changes) }
        var named = 0
        try rebuilt.write { db in
            for partition: Int32 in [0, 1] {
                let rows = PartitionRows(tables: LoginsTables.all, topic: "user-login", partition: partition)
                for set in changes.sets(of: TopicPartition(topic: "user-login", partition: partition)) {
                    try ChangeSet.forEachRow(in: set.bytes) { section, _ in
                        #expect(section.table != LoginsTables.events.name, "the stored events are named by range, not carried")
                    }
                    let read = try applied.read { db in try rows.rows(db, of: set.ranges) }
                    named += read.rowCount
                    try rows.apply(set.bytes + read.bytes, to: db)
                    try fromMemory.write { db in try rows.apply(set.bytes + set.rangeRows.joined(), to: db) }
                }
            }
        }
        for table in ["login_events", "login_counts", "login_event_minutes"] {
            let sql = "SELECT * FROM \(table) ORDER BY 1, 2, 3, 4, 5, 6"
            let original = try applied.read { db in try Row.fetchAll(db, sql: sql) }
            #expect(!original.isEmpty)
            #expect(try rebuilt.read { db in try Row.fetchAll(db, sql: sql) } == original, "\(table) rebuilt from the change sets")
            #expect(
                try fromMemory.read { db in try Row.fetchAll(db, sql: sql) } == original,
                "\(table) rebuilt from the change sets with the rows staging encoded, as the relay sends them from memory"
            )
        }
        let valid = 1_700 - failed.count
        #expect(failed.count > 100)
        #expect(try applied.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_events") } == valid)
        #expect(named == valid, "every stored event read once through the ranges")

        // A failed message reprocessed later gets its row at its own offset: reading the batch's ranges
        // back does not bring it, the ranges hold the batch's events only.
        try applied.write { db in
            for message in failed {
                try db.execute(
                    sql: """
                        INSERT INTO login_events (topic, partition, offset, user_id, app_version, device_type, locale, ip, device_id, event_time)
                        SELECT topic, ?, ?, user_id, app_version, device_type, locale, ip, device_id, event_time FROM login_events LIMIT 1
                        """,
                    arguments: [message.partition, message.offset]
                )
            }
        }
        let readAgain = try applied.read { db in
            try [Int32(0), 1].reduce(0) { total, partition in
                let rows = PartitionRows(tables: LoginsTables.all, topic: "user-login", partition: partition)
                return try changes.sets(of: TopicPartition(topic: "user-login", partition: partition)).reduce(total) { total, set in
                    total + (try rows.rows(db, of: set.ranges)).rowCount
                }
            }
        }
        #expect(readAgain == valid, "the reprocessed rows are not in the batch's ranges")
        try applied.close()
        try rebuilt.close()
        try fromMemory.close()
    }
}

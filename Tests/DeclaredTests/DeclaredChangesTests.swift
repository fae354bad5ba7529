import Declared
import Foundation
import GRDB
import Kafka
import Generators
import Store
import Testing

@testable import Engine

/// With the changelog on, a declared workload's change sets hold every row it wrote: a database rebuilt
/// from them alone equals the one the batches were applied to.
@Suite struct DeclaredChangesTests {
    @Test func aDatabaseRebuiltFromTheChangeSetsHoldsTheRows() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("declared-changes-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let workload = DeclaredWorkload(try DeclaredUserLoginTests.definition("user-login.yaml"), attributesPartitions: true, now: { 1_796_000_000 })
        let applied = try Store(path: folder.appendingPathComponent("applied.db").path)
        let rebuilt = try Store(path: folder.appendingPathComponent("rebuilt.db").path)
        for store in [applied, rebuilt] {
            try Migrations.apply(to: store, workload: workload.migrations)
            _ = try DeclaredMigrationPlan.migrate(workload.schemaTables, in: store, now: 1_796_000_000)
        }

        var generator = LoginEventGenerator(seed: 12, badShare: 0.1, baseTime: 1_796_000_000)
        let changes = PartitionChanges()
        var offsets: [Int32: Int64] = [0: 0, 1: 0]
        for _ in 0..<3 {
            var batch = workload.makeBatch(capacity: 1_000)
            for index in 0..<1_000 {
                let partition = Int32(index % 2)
                let offset = offsets[partition]!
                offsets[partition]! += 1
                let value = generator.next().value ?? []
                _ = value.withUnsafeBytes { bytes in
                    workload.stage(IncomingMessage(topic: "user-login", partition: partition, offset: offset, key: nil, value: bytes), into: &batch)
                }
            }
            try applied.write { db in try workload.apply(batch, to: db, now: 1_796_000_000, changes: changes) }
        }
        try rebuilt.write { db in
            for partition: Int32 in [0, 1] {
                let rows = PartitionRows(tables: workload.partitionedTables, topic: "user-login", partition: partition)
                for set in changes.sets(of: TopicPartition(topic: "user-login", partition: partition)) { try rows.apply(set.bytes, to: db) }
            }
        }
        for table in ["login_events", "login_counts", "login_event_minutes"] {
            let sql = "SELECT * FROM \(table) ORDER BY 1, 2, 3, 4, 5, 6"
            let original = try applied.read { db in try Row.fetchAll(db, sql: sql) }
            #expect(!original.isEmpty, "\(table)")
            #expect(try rebuilt.read { db in try Row.fetchAll(db, sql: sql) } == original, "\(table) rebuilt from the change sets")
        }
    }
}

import Declared
import Foundation
import Generators
import Logins
import Store
import Testing

@testable import Engine

/// What `workloads/user-login.yaml` publishes is what the built-in workload publishes, byte for byte.
@Suite struct DeclaredOutputTests {
    @Test func theUserLoginFilePublishesTheBuiltInBytes() throws {
        let clock: Int64 = 1_796_000_000
        var generator = LoginEventGenerator(seed: 5, badShare: 0.1, baseTime: clock)
        let messages = (0..<3_000).map { _ in generator.next() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("declared-output-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The built-in workload's output, read back from its stored events.
        let builtIn = LoginsWorkload(now: { clock })
        let store = try Store(path: folder.appendingPathComponent("built-in.db").path)
        try Migrations.apply(to: store, workload: builtIn.migrations)
        _ = try DeclaredWorkloadTests.run(builtIn, messages, into: store)
        var expected: [String] = []
        try store.read { db in
            let records = try builtIn.outputRecords(db, topic: "user-login", partition: 0, named: [RowRange(table: "login_events", from: 0, to: 3_000)])
            records.forEach { offset, key, value in
                expected.append("\(offset) \(String(decoding: key!, as: UTF8.self)) \(String(decoding: value, as: UTF8.self))")
            }
        }
        // The declared workload's, staged.
        let declared = DeclaredWorkload(try DeclaredUserLoginTests.definition("user-login.yaml"), publishes: true, now: { clock })
        var batch = declared.makeBatch(capacity: messages.count)
        for (offset, message) in messages.enumerated() {
            _ = DeclaredWorkloadTests.withOptionalBytes(message.value) { bytes in
                declared.stage(IncomingMessage(topic: "user-login", partition: 0, offset: Int64(offset), key: nil, value: bytes), into: &batch)
            }
        }
        var got: [String] = []
        for run in try #require(declared.output(of: batch)).runs {
            run.records.forEach { offset, key, value in
                got.append("\(offset) \(String(decoding: key!, as: UTF8.self)) \(String(decoding: value, as: UTF8.self))")
            }
        }
        #expect(expected.count > 2_500)
        #expect(got == expected)

        // The events table keeps every output field: outbox rows name its rows, and the records read back
        // from them are the staged ones, byte for byte.
        let output = try #require(declared.output(of: batch))
        #expect(output.namedIn?.name == "login_events")
        let declaredStore = try Store(path: folder.appendingPathComponent("declared.db").path)
        try Migrations.apply(to: declaredStore, workload: [])
        _ = try DeclaredMigrationPlan.migrate(declared.schemaTables, in: declaredStore, now: clock)
        try declaredStore.write { db in try declared.apply(batch, to: db, now: clock, changes: nil) }
        var readBack: [String] = []
        try declaredStore.read { db in
            let records = try declared.outputRecords(db, topic: "user-login", partition: 0, named: [RowRange(table: "login_events", from: 0, to: 3_000)])
            records.forEach { offset, key, value in
                readBack.append("\(offset) \(String(decoding: key!, as: UTF8.self)) \(String(decoding: value, as: UTF8.self))")
            }
        }
        #expect(readBack == expected)
    }
}

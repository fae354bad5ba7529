import Declared
import Engine
import Foundation
import GRDB
import Generators
import Logins
import Store
import Testing

/// `workloads/user-login.yaml` run through ``DeclaredWorkload`` keeps what the built-in workload keeps:
/// the same events, the same counts, the same failures, batch by batch.
@Suite struct DeclaredWorkloadTests {
    static let clock: Int64 = 1_796_000_000

    /// Stages `messages` through `workload` in batches of 1,000 and applies each to `db`.
    /// - Returns: the failures, by offset: error class and reason.
    static func run<W: Workload>(_ workload: W, _ messages: [LoginEventGenerator.Message], into db: Store) throws -> [Int64: String] {
        var failures: [Int64: String] = [:]
        for start in stride(from: 0, to: messages.count, by: 1_000) {
            var batch = workload.makeBatch(capacity: 1_000)
            for offset in start..<min(start + 1_000, messages.count) {
                let value = messages[offset].value
                let failure = withOptionalBytes(value) { bytes in
                    workload.stage(IncomingMessage(topic: "user-login", partition: 0, offset: Int64(offset), key: nil, value: bytes), into: &batch)
                }
                if let failure { failures[Int64(offset)] = "\(failure.errorClass): \(failure.reason)" }
            }
            try db.write { db in try workload.apply(batch, to: db, now: clock, changes: nil) }
        }
        return failures
    }

    static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }

    @Test func theUserLoginFileKeepsWhatTheBuiltInWorkloadKeeps() throws {
        var generator = LoginEventGenerator(seed: 9, badShare: 0.1, baseTime: Self.clock)
        let messages = (0..<10_000).map { _ in generator.next() }

        let builtIn = LoginsWorkload(now: { Self.clock })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("declared-workload-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let builtInDB = try Store(path: folder.appendingPathComponent("built-in.db").path)
        try Migrations.apply(to: builtInDB, workload: builtIn.migrations)
        let builtInFailures = try Self.run(builtIn, messages, into: builtInDB)

        let declared = DeclaredWorkload(try DeclaredUserLoginTests.definition("user-login.yaml"), now: { Self.clock })
        let declaredDB = try Store(path: folder.appendingPathComponent("declared.db").path)
        try Migrations.apply(to: declaredDB, workload: declared.migrations)
        _ = try DeclaredMigrationPlan.migrate(declared.schemaTables, in: declaredDB, now: Self.clock)
        let declaredFailures = try Self.run(declared, messages, into: declaredDB)

        #expect(builtInFailures.count > 500, "the stream has failures of every kind")
        #expect(declaredFailures == builtInFailures)
        for (query, least) in [
            ("SELECT * FROM login_events ORDER BY topic, partition, offset", 8_000),
            ("SELECT window_start, device_type, locale, app_version, topic, partition, logins FROM login_counts ORDER BY 1, 2, 3, 4, 5, 6", 1_000),
            ("SELECT * FROM login_event_minutes ORDER BY 1, 2, 3, 4", 10),
        ] {
            let expected = try builtInDB.read { try Row.fetchAll($0, sql: query) }
            let got = try declaredDB.read { try Row.fetchAll($0, sql: query) }
            #expect(expected.count >= least, "\(query)")
            #expect(got == expected, "\(query)")
        }

        // Retention deletes the same events through the same map.
        let cutoff = Self.clock - 300
        let deleted = try builtInDB.write { db in try builtIn.retentionRules[0].deleteExpired(db, cutoff, 100_000) }
        let declaredDeleted = try declaredDB.write { db in try declared.retentionRules[0].deleteExpired(db, cutoff, 100_000) }
        #expect(deleted > 1_000 && declaredDeleted == deleted)
        let remaining = "SELECT topic, partition, offset FROM login_events ORDER BY 1, 2, 3"
        #expect(try declaredDB.read { try Row.fetchAll($0, sql: remaining) } == builtInDB.read { try Row.fetchAll($0, sql: remaining) })
    }

    /// A file without an events table: its groups alone go to the changelog.
    static let countsOnly = """
        name: counts
        source: {topics: [user-login]}
        fields:
          user_id: {type: string, required: true}
          timestamp: {type: unix-seconds, required: true}
        aggregations:
          - {table: user_counts, window: 1m, time: timestamp, group_by: [user_id], measures: {logins: count}}
        """

    /// A message over 512 KB fails as `too_large` when it would be published or go to the changelog (in an
    /// events row or as a group's value), as in the built-in workload: a broker takes 1 MB. It is counted
    /// when neither is on.
    @Test(arguments: [(true, false, false, true), (false, true, false, true), (false, true, true, true), (false, false, false, false)])
    func aMessageTooLargeToPublishFailsAsTooLarge(_ publishes: Bool, _ changelog: Bool, _ countsOnly: Bool, _ refused: Bool) throws {
        let definition = try countsOnly ? DefinitionReader.read(Self.countsOnly, file: "counts.yaml") : DeclaredUserLoginTests.definition("user-login.yaml")
        let workload = DeclaredWorkload(definition, attributesPartitions: changelog, publishes: publishes, now: { Self.clock })
        let large = Array(#"{"user_id":"\#(String(repeating: "u", count: RecordSizeLimit.largestEventBytes))","timestamp":1795999990}"#.utf8)
        var batch = workload.makeBatch(capacity: 1)
        let failure = large.withUnsafeBytes { workload.stage(IncomingMessage(topic: "user-login", partition: 0, offset: 0, key: nil, value: $0), into: &batch) }
        #expect(failure?.errorClass == (refused ? "too_large" : nil))
        #expect(failure?.reason.hasPrefix("the message is \(large.count) bytes") ?? !refused)
        let counts = definition.aggregations[0].table
        #expect(workload.rowsWritten(by: batch).first { $0.table == counts }?.rows == (refused ? 0 : 1))
    }

    /// "é" and "e\u{301}" are one text to Swift's `==`, two to SQLite: each has its row, as in the built-in workload.
    @Test func canonicallyEquivalentGroupsAreCountedApart() throws {
        let declared = DeclaredWorkload(try DeclaredUserLoginTests.definition("user-login.yaml"), now: { Self.clock })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("declared-groups-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Store(path: folder.appendingPathComponent("groups.db").path)
        try Migrations.apply(to: db, workload: [])
        _ = try DeclaredMigrationPlan.migrate(declared.schemaTables, in: db, now: Self.clock)
        let messages = [#"{"user_id":"a","device_type":"\u00e9","timestamp":1795999990}"#, #"{"user_id":"b","device_type":"e\u0301","timestamp":1795999990}"#]
            .map { LoginEventGenerator.Message(key: nil, value: Array($0.utf8), kind: .valid) }
        #expect(try Self.run(declared, messages, into: db).isEmpty)
        let rows = try db.read { try Row.fetchAll($0, sql: "SELECT device_type, logins FROM login_counts ORDER BY device_type") }
        #expect(rows.map { $0["logins"] as Int64 } == [1, 1])
        #expect(rows.map { Array(($0["device_type"] as String).utf8) } == [[0x65, 0xCC, 0x81], [0xC3, 0xA9]])
    }
}

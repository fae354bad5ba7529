import Foundation
import GRDB
import Kafka
import Logging
import Store
import Testing

@testable import Engine

/// The whole story on the running service: messages fail, the rule is fixed, an operator flags the
/// rows with plain SQL while the service runs, and the state gains exactly those messages.
@Suite(.serialized) struct ReprocessingServiceTests {
    let logger = Logger(label: "test")

    private func makeService(_ cluster: MockCluster, _ store: Store, _ rules: RuleWorkload.Rules, _ stats: EngineStats) -> ConsumerService<RuleWorkload> {
        ConsumerService(
            configuration: EngineConfiguration(
                kafka: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers, "group.id": "g"]),
                topics: ["t"],
                batchSize: 100,
                batchLatencyMilliseconds: 20,
                failedCheckIntervalMilliseconds: 200
            ),
            store: store,
            stats: stats,
            logger: logger,
            workload: RuleWorkload(rules: rules)
        )
    }

    private func produce(_ cluster: MockCluster, _ payloads: [String]) throws {
        let producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        for payload in payloads { try producer.produce(topic: "t", key: nil, value: Array(payload.utf8)) }
        try producer.flush(timeoutMilliseconds: 10_000)
    }

    /// A temporary directory holding a migrated store, and a mock cluster whose topic `t` holds `payloads`.
    private func makeFixture(partitions: Int, payloads: [String]) throws -> (directory: String, cluster: MockCluster, store: Store) {
        let directory = NSTemporaryDirectory() + "eddy-service-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cluster = try MockCluster()
        try cluster.createTopic("t", partitions: partitions)
        try produce(cluster, payloads)
        let store = try Store(path: directory + "/eddy.db")
        try Migrations.apply(to: store, workload: RuleWorkload.migrations)
        return (directory, cluster, store)
    }


    @Test func rowsFlaggedWithSQLWhileRunningAreReprocessedWithinSeconds() async throws {
        let (directory, cluster, store) = try makeFixture(partitions: 2, payloads: (0..<300).map { $0 % 3 == 0 ? "bad \($0)" : "ok \($0)" })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rules = RuleWorkload.Rules()
        let stats = EngineStats()
        let running = Task { try await makeService(cluster, store, rules, stats).run() }

        #expect(try await waitUntil(60) { stats.consumed == 300 })
        let reader = try DatabaseQueue(path: directory + "/eddy.db")
        func count(_ sql: String) throws -> Int { try reader.read { try Int.fetchOne($0, sql: sql) ?? 0 } }
        #expect(try count("SELECT COUNT(*) FROM applied") == 200)
        #expect(try count("SELECT COUNT(*) FROM failed_messages WHERE status = 'dead'") == 100)

        // The rule is fixed, and an operator flags the rows from the sqlite3 shell.
        rules.acceptEverything.store(true, ordering: .relaxed)
        let flaggedAt = ContinuousClock.now
        try await reader.write { db in try db.execute(sql: "UPDATE failed_messages SET reprocess = 1 WHERE status = 'dead'") }
        #expect(try await waitUntil(5) { try count("SELECT COUNT(*) FROM failed_messages WHERE status = 'resolved'") == 100 })
        #expect(ContinuousClock.now - flaggedAt < .seconds(5))

        running.cancel()
        try await running.value
        #expect(try count("SELECT COUNT(*) FROM applied") == 300)
        #expect(try count("SELECT COUNT(*) FROM applied WHERE CAST(payload AS TEXT) LIKE 'bad %'") == 100)
        #expect(try count("SELECT COUNT(*) FROM failed_messages WHERE reprocess = 1 OR status != 'resolved'") == 0)
        try store.close()
    }

    @Test func whileABatchCommitsTheNextOneIsStagedAndNoMore() async throws {
        let (directory, cluster, store) = try makeFixture(partitions: 1, payloads: (0..<500).map { "ok \($0)" })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rules = RuleWorkload.Rules()
        rules.holdApply.store(true, ordering: .relaxed)
        let stats = EngineStats()
        let service = makeService(cluster, store, rules, stats)
        let running = Task { try await service.run() }
        let staged = { rules.stagedOffsets.withLock { $0.count } }
        // The first batch is held in its transaction; the consumer stages one more batch, then waits
        // for the commit thread (counted as it starts to wait): from then on it can stage nothing.
        #expect(try await waitUntil(30) { stats.commitWaits > 0 }, "the group join and the first batch take seconds while other suites run")
        let whileHeld = staged()
        #expect(whileHeld > 100 && whileHeld <= 200, "\(whileHeld) messages staged while one batch of at most 100 commits")
        #expect(try store.read { db in try ConsumerOffsets.load(db) }.isEmpty, "an offset was stored before its batch committed")

        rules.holdApply.store(false, ordering: .relaxed)
        #expect(try await waitUntil(10) { try store.read { db in try ConsumerOffsets.load(db).first?.nextOffset } == 500 })
        running.cancel()
        try await running.value
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applied") } == 500)
        try store.close()
    }

    @Test func aCommitThatFailsWhileShuttingDownIsReportedNotSwallowed() async throws {
        let (directory, cluster, store) = try makeFixture(partitions: 1, payloads: (0..<50).map { "ok \($0)" })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rules = RuleWorkload.Rules()
        rules.holdApply.store(true, ordering: .relaxed)
        rules.failApply.store(true, ordering: .relaxed)
        let service = makeService(cluster, store, rules, EngineStats())
        let running = Task { try await service.run() }
        // The only batch is in its transaction when the shutdown comes, and the consumer thread waits
        // for the database behind it (its next failed-rows run); then the transaction fails.
        #expect(
            try await waitUntil(30) { rules.stagedOffsets.withLock { $0.count } == 50 },
            "the group join and the first batch take seconds while other suites run"
        )
        try await Task.sleep(for: .milliseconds(500))
        running.cancel()
        try await Task.sleep(for: .milliseconds(200))
        rules.holdApply.store(false, ordering: .relaxed)
        do {
            try await running.value
            Issue.record("the service stopped cleanly although its last batch could not be committed")
        } catch {
            #expect("\(error)".contains("could not be committed"))
        }
        #expect(try store.read { db in try ConsumerOffsets.load(db) }.isEmpty)
        try store.close()
    }

    @Test func aFailedRowThatCannotBeWrittenStopsTheServiceWithoutMovingTheOffset() async throws {
        let (directory, cluster, store) = try makeFixture(partitions: 1, payloads: ["ok 1", "bad 2", "ok 3"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON failed_messages BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        let service = makeService(cluster, store, RuleWorkload.Rules(), EngineStats())
        do {
            try await service.run()
            Issue.record("the service kept running although a failed row could not be written")
        } catch {
            #expect("\(error)".contains("could not be committed"))
            #expect("\(error)".contains("disk full"))
        }
        let (offsets, applied) = try store.read { db in
            (try ConsumerOffsets.load(db), try db.tableExists("applied") ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applied") ?? 0 : 0)
        }
        #expect(offsets.isEmpty, "the offset moved past a message recorded nowhere")
        #expect(applied == 0)
        try store.close()
    }
}

import Foundation
import GRDB
import Kafka
import Logging
import Store
import Testing

@testable import Engine

/// The loop looks at the broker when no batch has committed for a while. A message fetched while it
/// looks must still be applied: only `poll` may take messages off the consumer queue.
@Suite(.serialized) struct BrokerProbeTests {
    let logger = Logger(label: "test")

    @Test func messagesFetchedWhileASlowBrokerIsProbedAreNotLost() async throws {
        let directory = NSTemporaryDirectory() + "eddy-probe-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cluster = try MockCluster()
        try cluster.createTopic("t", partitions: 1)
        let store = try Store(path: directory + "/eddy.db")
        try Migrations.apply(to: store, workload: RuleWorkload.migrations)
        let producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        try producer.produce(topic: "t", key: nil, value: Array("ok 0".utf8))
        try producer.flush(timeoutMilliseconds: 10_000)

        var configuration = EngineConfiguration(
            kafka: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers, "group.id": "g"]),
            topics: ["t"],
            batchSize: 100,
            batchLatencyMilliseconds: 20
        )
        // Probe the broker after 200 ms without a commit instead of 5 s, so that it is probed all the time.
        configuration.observationInterval = .milliseconds(200)
        let stats = EngineStats()
        let service = ConsumerService(
            configuration: configuration, store: store, stats: stats, logger: logger, workload: RuleWorkload(rules: RuleWorkload.Rules())
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(try await waitUntil(30) { stats.consumed == 1 })

        // Every answer of the broker now comes after the probe's 1 s timeout, fetches included: most
        // fetched messages reach the consumer queue while the loop waits for a probe.
        cluster.setRoundTripTime(-1, milliseconds: 1_500)
        let count = 40
        var sawUnreachable = false
        for index in 1...count {
            try producer.produce(topic: "t", key: nil, value: Array("ok \(index)".utf8))
            try await Task.sleep(for: .milliseconds(250))
            sawUnreachable = sawUnreachable || !stats.brokerReachable
        }
        try producer.flush(timeoutMilliseconds: 60_000)
        cluster.setRoundTripTime(-1, milliseconds: 0)
        #expect(sawUnreachable, "the slow broker was never probed: the test proves nothing")

        let stored = { try store.read { db in try ConsumerOffsets.load(db).first?.nextOffset } }
        #expect(try await waitUntil(60) { try stored() == Int64(count + 1) })
        running.cancel()
        try await running.value
        let applied = try store.read { db in try Int.fetchAll(db, sql: "SELECT offset FROM applied ORDER BY offset") }
        #expect(applied == Array(0...count), "missing offsets: \(Set(0...count).subtracting(applied).sorted())")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM failed_messages") } == 0)
        try store.close()
    }
}

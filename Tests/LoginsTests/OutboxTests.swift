import Foundation
import GRDB
import Kafka
import Logging
import Store
import Testing

@testable import Engine
@testable import Logins

/// The processed-output topic through the outbox, against the mock cluster's refusals and outages.
@Suite(.serialized) struct OutboxTests {
    /// Reads the output topic with a consumer of its own until `minimum` records arrived and no more come.
    private func readOutput(_ fixture: PipelineFixture, minimum: Int) throws -> [(source: String, value: [UInt8])] {
        let config = KafkaConfig([
            "bootstrap.servers": fixture.cluster.bootstrapServers, "group.id": "verify-\(UUID().uuidString)", "auto.offset.reset": "earliest",
        ])
        return try KafkaConsumer.run(config: config, logger: fixture.logger) { consumer in
        try consumer.subscribe(["processed-output"])
        let batch = KafkaMessageBatch()
        var records: [(String, [UInt8])] = []
        let deadline = ContinuousClock.now + .seconds(60)
        var quiet = 0
        while ContinuousClock.now < deadline, records.count < minimum || quiet < 10 {
            if let rebalance = try consumer.poll(into: batch, maxMessages: 10_000, timeoutMilliseconds: 200) { try consumer.complete(rebalance) }
            quiet = batch.isEmpty ? quiet + 1 : 0
            batch.forEach { message in
                let headers = Dictionary(uniqueKeysWithValues: message.headers.map { ($0.name, String(decoding: $0.value ?? [], as: UTF8.self)) })
                let source = "\(headers["eddy-source-topic"] ?? "?")/\(headers["eddy-source-partition"] ?? "?")/\(headers["eddy-source-offset"] ?? "?")"
                records.append((source, message.value.map { Array($0) } ?? []))
            }
            batch.removeAll()
        }
        return records
        }
    }

    private func validSources(_ store: Store) throws -> Set<String> {
        Set(try store.read { db in try String.fetchAll(db, sql: "SELECT topic || '/' || partition || '/' || offset FROM login_events") })
    }

    @Test func everyEventReachesTheOutputDespiteRefusalsAndAnOutage() async throws {
        let fixture = try PipelineFixture(partitions: 4)
        try fixture.cluster.createTopic("processed-output", partitions: 4)
        try fixture.produce(count: 6_000, seed: 3, badShare: 0.1)
        fixture.cluster.failNext(.produce, count: 40, code: 6)  // NOT_LEADER_OR_FOLLOWER: retried
        let output = OutputSettings(topic: "processed-output", kafka: KafkaConfig(["bootstrap.servers": fixture.cluster.bootstrapServers]))
        let running = try PipelineFixture.Running(fixture, batchSize: 500, output: output)
        #expect(try await running.wait(seconds: 60) { running.stats.published > 0 })
        fixture.cluster.setBrokerDown(1)
        try await Task.sleep(for: .seconds(3))
        fixture.cluster.setBrokerUp(1)
        let drained = try await running.wait(seconds: 90) {
            try running.stats.consumed == 6_000 && running.store.read { try Outbox.pendingCount($0) } == 0
        }
        #expect(drained, "consumed \(running.stats.consumed), published \(running.stats.published)")
        let valid = try validSources(running.store)
        let (published, readBack) = (running.stats.published, running.stats.outputRecordsReadBack)
        try await running.stop()

        let records = try readOutput(fixture, minimum: valid.count)
        let sources = Set(records.map(\.source))
        #expect(records.count >= valid.count, "at least once")
        #expect(
            sources == valid,
            """
            exactly once after deduplication by the source headers: missing \(valid.subtracting(sources).sorted().prefix(20)), \
            unexpected \(sources.subtracting(valid).sorted().prefix(20)); published \(published), read back \(readBack)
            """
        )
        let sample = try #require(records.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sample.value)) as? [String: Any])
        #expect(json["user_id"] is String && json["timestamp"] is Int && (json["event_time"] as? String)?.hasSuffix("Z") == true)
    }

    /// A row committed while the relay waits between passes, the instant before the shutdown, is still
    /// published: a pass starts after the stop (the one before it read the outbox too early).
    @Test func aRowCommittedJustBeforeTheShutdownIsPublished() async throws {
        let fixture = try PipelineFixture(partitions: 1)
        try fixture.cluster.createTopic("processed-output", partitions: 1)
        try fixture.produce(count: 20, seed: 8, badShare: 0)
        let output = OutputSettings(topic: "processed-output", kafka: KafkaConfig(["bootstrap.servers": fixture.cluster.bootstrapServers]))
        let running = try PipelineFixture.Running(fixture, batchSize: 100, output: output)
        let idle = try await running.wait(seconds: 60) {
            try running.stats.consumed == 20 && running.store.read { try Outbox.pendingCount($0) } == 0
        }
        #expect(idle)
        try await Task.sleep(for: .milliseconds(200))
        let last = OutboxRecord(sourceTopic: "late", sourcePartition: 0, sourceOffset: 7, key: nil, value: Array("{}".utf8))
        try running.store.write { db in try Outbox.append(db, last, now: 0) }
        try await running.stop()

        let pending = try Store(path: fixture.dbPath).read { try Outbox.pendingCount($0) }
        #expect(pending == 0, "the relay stopped with the last row unsent")
        let records = try readOutput(fixture, minimum: 21)
        #expect(records.contains { $0.source == "late/0/7" })
    }

    @Test func aRefusingBrokerPausesConsumptionInsteadOfGrowingTheOutbox() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        try fixture.cluster.createTopic("processed-output", partitions: 2)
        try fixture.produce(count: 4_000, seed: 4, badShare: 0)
        fixture.cluster.failNext(.produce, count: 1_000_000, code: 6)
        let output = OutputSettings(
            topic: "processed-output", kafka: KafkaConfig(["bootstrap.servers": fixture.cluster.bootstrapServers]), maxPending: 300
        )
        let running = try PipelineFixture.Running(fixture, batchSize: 100, output: output)
        #expect(try await running.wait(seconds: 60) { running.stats.consumed >= 300 })
        try await Task.sleep(for: .seconds(2))
        let stalled = running.stats.consumed
        try await Task.sleep(for: .seconds(1))
        #expect(running.stats.consumed == stalled, "consumption is paused")
        #expect(stalled < 4_000)
        let pending = try running.store.read { try Outbox.pendingCount($0) }
        #expect(pending <= 300 + 100 * 3, "the outbox stays near its bound: \(pending)")

        fixture.cluster.clearErrors(.produce)
        let drained = try await running.wait(seconds: 90) {
            try running.stats.consumed == 4_000 && running.store.read { try Outbox.pendingCount($0) } == 0
        }
        #expect(drained)
        try await running.stop()
    }

    /// A restart leaves the relay without the staged messages: it makes them again from the stored
    /// events, each once, with the key and bytes of the event (counted in
    /// `eddy_output_records_read_back_total`).
    @Test func aRestartedRelayMakesTheMessagesFromTheStoredEvents() async throws {
        let fixture = try PipelineFixture(partitions: 3)
        try fixture.cluster.createTopic("processed-output", partitions: 3)
        try fixture.produce(count: 3_000, seed: 6, badShare: 0.1)
        let kafka = KafkaConfig(["bootstrap.servers": fixture.cluster.bootstrapServers])

        // No relay: the output waits in the outbox, named by range, its bytes only in this run's memory.
        let first = try PipelineFixture.Running(fixture, batchSize: 500, output: OutputSettings(topic: "processed-output", kafka: kafka), relay: false)
        #expect(try await first.wait(seconds: 60) { first.stats.consumed == 3_000 })
        let waiting = try first.store.read { try Outbox.pendingOutput($0) }
        let rows = try first.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_unsent") ?? 0 }
        try await first.stop()

        // A restart: new settings, so nothing in memory; every message is made from its row.
        let second = try PipelineFixture.Running(fixture, batchSize: 500, output: OutputSettings(topic: "processed-output", kafka: kafka))
        let drained = try await second.wait(seconds: 60) { try second.store.read { try Outbox.pendingCount($0) } == 0 }
        let events = try second.store.read { db in
            try Row.fetchAll(db, sql: "SELECT topic || '/' || partition || '/' || offset AS source, user_id FROM login_events").map {
                ($0["source"] as String, $0["user_id"] as String)
            }
        }
        let readBack = second.stats.outputRecordsReadBack
        let published = second.stats.published
        try await second.stop()

        #expect(drained)
        #expect(events.count > 2_500 && waiting == events.count)
        #expect(rows < events.count / 10, "a row stands for a partition's run of a batch: \(rows) rows")
        #expect(readBack == events.count && published == events.count, "every message made from its row once, and sent")
        let records = try readOutput(fixture, minimum: events.count)
        #expect(records.count == events.count)
        let users = Dictionary(uniqueKeysWithValues: events)
        #expect(Set(records.map(\.source)) == Set(users.keys))
        for record in records {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any])
            #expect(json["user_id"] as? String == users[record.source], "\(record.source)")
        }
    }
}

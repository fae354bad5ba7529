import Foundation
import GRDB
import Kafka
import Store
import Testing

@testable import Engine
@testable import Logins

/// The stored events a changelog record names by offset range reach the changelog after a restart,
/// when the rows are no longer in the relay's memory: read back from `login_events`, each once, and
/// counted in `eddy_changelog_rows_read_back_total`.
@Suite(.serialized) struct ChangelogReadBackTests {
    private let topic = "eddy-test-changelog"
    private let partitions = 2

    /// `partition/offset` of every `login_events` row in the changes records of the changelog topic.
    private func sentEventRows(_ fixture: PipelineFixture) throws -> [String] {
        let config = KafkaConfig([
            "bootstrap.servers": fixture.cluster.bootstrapServers, "group.id": "verify-\(UUID().uuidString)", "auto.offset.reset": "earliest",
        ])
        return try KafkaConsumer.run(config: config, logger: fixture.logger) { consumer in
            try consumer.subscribe([topic])
            let batch = KafkaMessageBatch()
            var rows: [String] = []
            var quiet = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, rows.isEmpty || quiet < 10 {
                if let rebalance = try consumer.poll(into: batch, maxMessages: 10_000, timeoutMilliseconds: 200) { try consumer.complete(rebalance) }
                quiet = batch.isEmpty ? quiet + 1 : 0
                var values: [[UInt8]] = []
                batch.forEach { message in values.append(message.value.map { Array($0) } ?? []) }
                batch.removeAll()
                for value in values {
                    let record = try ChangelogRecord(decoding: value)
                    guard case .changes = record.body else { continue }
                    try ChangeSet.forEachRow(in: record.payload) { section, values in
                        guard section.table == "login_events", let partition = section.columns.firstIndex(of: "partition"),
                            let offset = section.columns.firstIndex(of: "offset")
                        else { return }
                        rows.append("\(Int64.fromDatabaseValue(values[partition]) ?? -1)/\(Int64.fromDatabaseValue(values[offset]) ?? -1)")
                    }
                }
            }
            return rows
        }
    }

    private func unsentChangelog(_ fixture: PipelineFixture, _ store: Store) throws -> Int {
        try store.read { db in
            try (0..<partitions).reduce(0) { sum, partition in
                sum + (try Outbox.unsentChangelogCount(db, sourceTopic: fixture.topic, sourcePartition: Int32(partition)))
            }
        }
    }

    @Test func aRestartedRelayReadsBackTheRowsItNoLongerHasInMemory() async throws {
        let fixture = try PipelineFixture(partitions: partitions)
        try fixture.cluster.createTopic(topic, partitions: partitions)
        try fixture.produce(count: 3_000, seed: 5, badShare: 0.1)
        let kafka = KafkaConfig(["bootstrap.servers": fixture.cluster.bootstrapServers])

        // No relay: the changelog records wait in the outbox, their rows only in this run's memory.
        let first = try PipelineFixture.Running(fixture, batchSize: 500, output: nil, changelog: ChangelogSettings(topic: topic, kafka: kafka), relay: false)
        #expect(try await first.wait(seconds: 60) { first.stats.consumed == 3_000 })
        try await first.stop()

        // A restart: new settings, so an empty row cache; the relay must read every named row back.
        let second = try PipelineFixture.Running(fixture, batchSize: 500, output: nil, changelog: ChangelogSettings(topic: topic, kafka: kafka))
        let drained = try await second.wait(seconds: 60) { try unsentChangelog(fixture, second.store) == 0 }
        let stored = Set(try second.store.read { db in try String.fetchAll(db, sql: "SELECT partition || '/' || offset FROM login_events") })
        let readBack = second.stats.changelogRowsReadBack
        try await second.stop()

        #expect(drained)
        #expect(stored.count > 2_500)
        #expect(readBack == stored.count, "every stored event was named by range and read back once")
        let sent = try sentEventRows(fixture)
        #expect(sent.count == stored.count, "each event once in the changelog")
        #expect(Set(sent) == stored)
    }
}

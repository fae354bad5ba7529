import Engine
import Foundation
import GRDB
import Kafka
import Generators
import Logging
import Store

@testable import Logins

/// A mock cluster, a topic, a database file and helpers to run the real consumer service against them.
final class PipelineFixture {
    let cluster: MockCluster
    let topic = "user-login"
    let directory: String
    let dbPath: String
    let logger = Logger(label: "test")
    let producer: KafkaProducer
    private(set) var produced: [LoginEventGenerator.Message] = []
    /// Every value produced, generated or given, in order.
    private(set) var producedValues: [[UInt8]?] = []

    init(partitions: Int) throws {
        cluster = try MockCluster()
        try cluster.createTopic(topic, partitions: partitions)
        directory = NSTemporaryDirectory() + "eddy-pipeline-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        dbPath = directory + "/eddy.db"
        producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Produces `count` generated messages and waits for their delivery.
    func produce(count: Int, seed: UInt64, badShare: Double, baseTime: Int64 = 1_700_000_000) throws {
        var generator = LoginEventGenerator(seed: seed, badShare: badShare, baseTime: baseTime)
        for _ in 0..<count {
            let message = generator.next()
            try producer.produce(topic: topic, key: message.key, value: message.value)
            produced.append(message)
            producedValues.append(message.value)
        }
        try producer.flush(timeoutMilliseconds: 30_000)
    }

    /// Produces `values` as they are, spread over the partitions, and waits for their delivery.
    func produce(values: [[UInt8]?]) throws {
        let partitions = Int32(try producer.topicPartitionCounts(timeoutMilliseconds: 5_000)[topic] ?? 1)
        for (index, value) in values.enumerated() {
            try producer.produce(topic: topic, partition: Int32(index) % partitions, key: nil, value: value)
        }
        producedValues += values
        try producer.flush(timeoutMilliseconds: 60_000)
    }

    /// The consumer service (and, with `output`, the outbox relay) running against the fixture.
    final class Running {
        let stats = EngineStats()
        let store: Store
        private var tasks: [Task<Void, any Error>] = []

        /// - Parameters:
        ///   - logins: by default everything is kept, since the fixture's events are from 2023.
        ///   - relay: whether the outbox relay runs (when there is an output or a changelog).
        init(
            _ fixture: PipelineFixture,
            batchSize: Int,
            output: OutputSettings?,
            changelog: ChangelogSettings? = nil,
            relay: Bool = true,
            logins: LoginsSettings = LoginsSettings(eventsRetentionSeconds: nil, countsRetentionSeconds: nil)
        ) throws {
            store = try Store(path: fixture.dbPath)
            try Migrations.apply(to: store, workload: LoginsMigrations.all)
            var kafka = KafkaConfig(["bootstrap.servers": fixture.cluster.bootstrapServers, "group.id": "eddy-test"])
            kafka["session.timeout.ms"] = "6000"
            var publishing = logins
            publishing.publishes = output != nil
            publishing.changelog = changelog != nil
            let workload = LoginsWorkload(settings: publishing)
            let service = ConsumerService(
                configuration: EngineConfiguration(
                    kafka: kafka, topics: [fixture.topic], batchSize: batchSize, batchLatencyMilliseconds: 50, output: output,
                    changelog: changelog
                ),
                store: store,
                stats: stats,
                logger: fixture.logger,
                workload: workload
            )
            tasks.append(Task { try await service.run() })
            if relay && (output != nil || changelog != nil) {
                let relay = OutboxRelay(
                    output: output, changelog: changelog, workload: workload, store: store, stats: stats, logger: fixture.logger,
                    deadline: ShutdownDeadline(timeout: .seconds(2))
                )
                tasks.append(Task { try await relay.run() })
            }
        }

        /// Waits up to `seconds` for `condition`; returns whether it held.
        func wait(seconds: Double, until condition: () throws -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                if try condition() { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return try condition()
        }

        func stop() async throws {
            for task in tasks { task.cancel() }
            for task in tasks { try await task.value }
            try store.close()
        }
    }

    /// Runs the consumer service until it has committed `count` messages, then stops it gracefully.
    func process(count: Int, batchSize: Int = 1_000) async throws {
        let running = try Running(self, batchSize: batchSize, output: nil)
        _ = try await running.wait(seconds: 180) { running.stats.consumed >= count }
        try await running.stop()
        if running.stats.consumed != count { throw PipelineError("committed \(running.stats.consumed) messages, expected \(count)") }
    }

    /// The counts every produced valid message should add up to, by (window, device, locale, version).
    var expectedCounts: [String: Int] {
        produced.reduce(into: [:]) { counts, message in
            guard case .success(let event) = LoginEventParser.parse(message.value) else { return }
            let key = LoginCountKey(event)
            counts["\(key.windowStart)|\(key.deviceType)|\(key.locale)|\(key.appVersion)", default: 0] += 1
        }
    }

    /// The bad messages' values as they must appear in `failed_messages.payload`: hex, or `NULL`; sorted.
    var expectedFailedPayloads: [String] {
        produced.filter { !$0.kind.isValid }.map { Self.render($0.value) }.sorted()
    }

    static func render(_ bytes: [UInt8]?) -> String {
        bytes.map { "x'" + $0.map { String(format: "%02x", $0) }.joined() + "'" } ?? "NULL"
    }

    func storedCounts() throws -> [String: Int] {
        try DatabaseQueue(path: dbPath).read { db in
            try Row.fetchAll(db, sql: "SELECT window_start, device_type, locale, app_version, SUM(logins) FROM login_counts GROUP BY 1, 2, 3, 4").reduce(into: [:]) {
                result, row in
                result["\(row[0] as Int64)|\(row[1] as String)|\(row[2] as String)|\(row[3] as String)"] = row[4]
            }
        }
    }

    func storedFailedPayloads() throws -> [String] {
        try DatabaseQueue(path: dbPath).read { db in
            try Data?.fetchAll(db, sql: "SELECT payload FROM failed_messages").map { Self.render($0.map { Array($0) }) }
        }.sorted()
    }

    func scalar(_ sql: String) throws -> Int {
        try DatabaseQueue(path: dbPath).read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}

struct PipelineError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

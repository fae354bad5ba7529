import Foundation
import GRDB
import Kafka
import Logging
import Store
import Synchronization
import Testing

@testable import Engine

/// Two live instances in one group, while messages stream in: the second joins, then the first leaves.
/// Every message an instance staged must be in its database (the batch in hand was committed before
/// its partitions went), none may be skipped, and no stored or committed offset may go back.
///
/// Not checked: that no message is applied in both databases. A new owner starts at the group's
/// committed offset, which Eddy commits before a revoke; the mock broker refuses commits while the
/// group rebalances (Kafka accepts them), so there the new owner may start behind. State that moves
/// with its partition is issue 13's changelog.
@Suite(.serialized) struct RebalanceTests {
    let logger = Logger(label: "test")

    /// One instance: its database and its running service.
    private struct Instance {
        let store: Store
        let stats = EngineStats()
        let rules = RuleWorkload.Rules()
        let task: Task<Void, any Error>

        /// Partitions handed over whose stored offset was not right after the last message staged.
        let early = Findings()

        init(_ cluster: MockCluster, strategy: String, path: String, logger: Logger) throws {
            store = try Store(path: path)
            rules.applyMilliseconds.store(20, ordering: .relaxed)
            let (rules, early) = (rules, early)
            // The hand-over is logged on the consumer thread as the partitions go: compare it with what
            // the workload staged by then.
            let logger = Logger(label: logger.label) { _ in
                HandOverWatcher { offsets in
                    early.handOvers.add(1, ordering: .relaxed)
                    let staged = rules.staged.withLock { $0 }
                    for (partition, offset) in offsets {
                        let last = staged.filter { $0.partition == partition }.map(\.offset).max()
                        if let last, offset != last + 1 { early.items.withLock { $0.append("t[\(partition)] handed over at \(offset), \(last) staged") } }
                    }
                }
            }
            try Migrations.apply(to: store, workload: RuleWorkload.migrations)
            let kafka = KafkaConfig([
                "bootstrap.servers": cluster.bootstrapServers, "group.id": "g", "partition.assignment.strategy": strategy,
                "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
            ])
            let service = ConsumerService(
                configuration: EngineConfiguration(kafka: kafka, topics: ["t"], batchSize: 50, batchLatencyMilliseconds: 20),
                store: store, stats: stats, logger: logger, workload: RuleWorkload(rules: rules)
            )
            task = Task { try await service.run() }
        }

        func stop() async throws {
            task.cancel()
            try await task.value
        }

        /// The applied offsets of each partition, in order (each at most once: the table's key).
        func applied() throws -> [Int32: [Int64]] {
            try store.read { db in
                try Row.fetchAll(db, sql: "SELECT partition, offset FROM applied ORDER BY partition, offset").reduce(into: [:]) {
                    $0[$1[0], default: []].append($1[1])
                }
            }
        }

        func storedOffsets() throws -> [Int32: Int64] {
            try store.read { db in try ConsumerOffsets.load(db) }.reduce(into: [:]) { $0[$1.partition] = $1.nextOffset }
        }
    }

    @Test(arguments: ["range", "cooperative-sticky"])
    func partitionsMoveWithTheirBatchInHandCommittedAndNoOffsetGoesBack(strategy: String) async throws {
        let directory = NSTemporaryDirectory() + "eddy-rebalance-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let partitions: Int32 = 4
        let cluster = try MockCluster()
        try cluster.createTopic("t", partitions: Int(partitions))
        let producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        var produced = 0
        func produce(_ count: Int) throws {
            for _ in 0..<count {
                try producer.produce(topic: "t", partition: Int32(produced) % partitions, key: nil, value: Array("ok \(produced)".utf8))
                produced += 1
            }
            try producer.flush(timeoutMilliseconds: 10_000)
        }

        // Watches the group's committed offsets and each database's stored offsets: none may go back.
        let watcher = try OffsetWatcher(cluster: cluster, partitions: partitions, logger: logger)
        try produce(2_000)
        let first = try Instance(cluster, strategy: strategy, path: directory + "/a.db", logger: logger)
        var instances = [first]
        defer { for instance in instances { instance.task.cancel() } }
        #expect(try await waitUntil(30) { first.stats.consumed >= 1_000 })
        try watcher.check(first.storedOffsets())

        // The second instance joins while messages keep coming: the first gives up partitions mid-stream.
        let second = try Instance(cluster, strategy: strategy, path: directory + "/b.db", logger: logger)
        instances.append(second)
        for round in 0..<40 {
            try produce(100)
            if round % 5 == 0 { try watcher.check(first.storedOffsets(), second.storedOffsets()) }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await waitUntil(30) { second.stats.assignedPartitions > 0 && first.stats.assignedPartitions < Int(partitions) })

        // The first leaves while messages keep coming: its partitions go to the second.
        let leaving = Task { try await first.stop() }
        for round in 0..<20 {
            try produce(100)
            if round % 5 == 0 { try watcher.check(first.storedOffsets(), second.storedOffsets()) }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await leaving.value
        #expect(try await waitUntil(30) { second.stats.assignedPartitions == Int(partitions) })
        // Done when every partition's newest stored offset, in either database, is its end.
        let ends = (0..<partitions).reduce(into: [Int32: Int64]()) { ends, partition in
            ends[partition] = Int64((produced - Int(partition) + Int(partitions) - 1) / Int(partitions))
        }
        #expect(try await waitUntil(60) { try second.storedOffsets() == ends })
        try await second.stop()
        try watcher.check(first.storedOffsets(), second.storedOffsets())

        #expect(first.early.handOvers.load(ordering: .relaxed) >= 2, "the first instance handed partitions over when the second joined and when it left")
        // Each instance applied exactly what it staged, once; together they applied every message.
        var applied: [Int32: Set<Int64>] = [:]
        for instance in [first, second] {
            let staged = instance.rules.staged.withLock { $0 }
            let inDatabase = try instance.applied()
            let early = instance.early.items.withLock { $0 }
            #expect(early.isEmpty, "handed over before the batch in hand committed: \(early)")
            #expect(Set(staged).count == staged.count, "a message was staged twice: a batch in hand was dropped and polled again")
            let stagedByPartition = Dictionary(grouping: staged, by: \.partition).mapValues { Set($0.map(\.offset)) }
            for partition in 0..<partitions {
                let mine = Set(inDatabase[partition] ?? [])
                #expect(mine == stagedByPartition[partition] ?? [], "partition \(partition): staged and applied differ")
                applied[partition, default: []].formUnion(mine)
            }
        }
        for partition in 0..<partitions {
            let missing = Set(0..<ends[partition]!).subtracting(applied[partition] ?? [])
            #expect(missing.isEmpty, "partition \(partition): \(missing.count) offsets in neither database, \(missing.min() ?? 0)...\(missing.max() ?? 0)")
        }
        #expect(watcher.backwards.isEmpty, "offsets that went back: \(watcher.backwards)")
        try first.store.close()
        try second.store.close()
    }
}

/// Remembers the highest offset seen per partition, in the group's commits and in each database, and
/// every time one was lower than before.
private final class OffsetWatcher {
    private let config: KafkaConfig
    private let partitions: [TopicPartition]
    private let logger: Logger
    private var group: [Int32: Int64] = [:]
    private var stored: [Int: [Int32: Int64]] = [:]
    private(set) var backwards: [String] = []

    init(cluster: MockCluster, partitions: Int32, logger: Logger) throws {
        // A consumer of the group that never subscribes reads its commits without joining it.
        config = KafkaConfig(["bootstrap.servers": cluster.bootstrapServers, "group.id": "g"])
        self.partitions = (0..<partitions).map { TopicPartition(topic: "t", partition: $0) }
        self.logger = logger
    }

    /// Checks the group's committed offsets and each database's stored ones (in the order given).
    func check(_ databases: [Int32: Int64]...) throws {
        let committed = try KafkaConsumer.run(config: config, logger: logger) { try $0.committedOffsets(partitions, timeoutMilliseconds: 5_000) }
        for (partition, offset) in committed { note(&group, partition.partition, offset, "group") }
        for (index, offsets) in databases.enumerated() {
            for (partition, offset) in offsets { note(&stored[index, default: [:]], partition, offset, "database \(index)") }
        }
    }

    private func note(_ highest: inout [Int32: Int64], _ partition: Int32, _ offset: Int64, _ source: String) {
        if let before = highest[partition], offset < before { backwards.append("\(source) partition \(partition): \(before) -> \(offset)") }
        highest[partition] = max(highest[partition] ?? offset, offset)
    }
}

/// A log handler that passes the offsets of each "handing over partitions" record to `onHandOver`.
private struct HandOverWatcher: LogHandler {
    let onHandOver: @Sendable ([Int32: Int64]) -> Void
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message.description.hasPrefix("handing over partitions"), let offsets = event.metadata?["offsets"] else { return }
        // "t[0]@500 t[1]@480"
        let pairs = "\(offsets)".split(separator: " ").compactMap { item -> (Int32, Int64)? in
            let parts = item.split(separator: "@")
            guard parts.count == 2, let open = parts[0].firstIndex(of: "["), let partition = Int32(parts[0][parts[0].index(after: open)...].dropLast()),
                let offset = Int64(parts[1])
            else { return nil }
            return (partition, offset)
        }
        onHandOver(Dictionary(pairs) { $1 })
    }
}

/// What a check running on another thread found.
private final class Findings: Sendable {
    let items = Mutex<[String]>([])
    let handOvers = Atomic<Int>(0)
}

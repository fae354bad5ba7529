import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Store

/// `eddy mirror`: follows every partition of the changelog and keeps one database with the whole
/// cluster's state, in the tables the instances have, by the same restore rule. It claims nothing and
/// writes nothing to Kafka: a read-only view, a warm standby, a backup.
///
/// Each partition is brought up to date in one transaction: the change sets that extend what the file
/// holds are applied; when the winning line no longer extends it (another owner took over from an
/// earlier point), the partition's rows are rebuilt.
public final class ChangelogMirror: Service, Sendable {
    private let settings: ChangelogSettings
    private let store: Store
    private let tables: [PartitionedTable]
    private let stats: EngineStats
    private let logger: Logger
    private let interval: Duration

    /// - Parameters:
    ///   - tables: the workload's partitioned tables; `failed_messages` is added.
    ///   - interval: how long to wait after the changelog was read to its end.
    public init(
        settings: ChangelogSettings, store: Store, tables: [PartitionedTable], stats: EngineStats, logger: Logger, interval: Duration = .seconds(1)
    ) {
        self.settings = settings
        self.store = store
        self.tables = tables + [FailedMessages.table]
        self.stats = stats
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        stats.watchWriteWaits(of: store, logger: logger)
        try await BlockingThread.runUntilShutdown(named: "eddy-mirror") { [self] stop in try follow(until: stop) }
    }

    /// What the mirror knows of one changelog partition.
    private struct Followed {
        /// The next changelog offset to read.
        var position: Int64
        /// The history of each source topic in it.
        var histories: [String: ChangelogHistory] = [:]
        /// The records the file holds for each source topic, in order; `nil` until the first update
        /// (the file may hold rows of an earlier run, so the first update rebuilds).
        var applied: [String: [Int64]] = [:]
        /// Source topics whose history could not be planned, already reported.
        var reported: Set<String> = []
    }

    private func follow(until stop: StopFlag) throws {
        let reader = try KafkaPartitionReader(config: settings.kafka, logger: logger)
        let inspector = try KafkaInspector(config: settings.kafka, logger: logger)
        let applier = PlanApplier(reader: reader, stats: stats, logger: logger)
        var followed: [Int32: Followed] = [:]
        logger.info("mirroring the changelog", metadata: ["topic": "\(settings.topic)", "database": "\(store.path)"])
        while !stop.isSet {
            let partitions = try inspector.topicPartitionCounts(timeoutMilliseconds: 10_000)[settings.topic] ?? 0
            if partitions == 0 { logger.warning("the changelog topic \(settings.topic) does not exist yet") }
            for partition in 0..<Int32(partitions) where !stop.isSet {
                let log = TopicPartition(topic: settings.topic, partition: partition)
                var state = try followed[partition] ?? Followed(position: reader.watermarks(log, timeoutMilliseconds: 10_000).low)
                try update(&state, log, reader, applier)
                followed[partition] = state
            }
            stats.recordLoop()
            let until = ContinuousClock.now + interval
            while !stop.isSet, ContinuousClock.now < until { Thread.sleep(forTimeInterval: 0.05) }
        }
    }

    private func update(_ state: inout Followed, _ log: TopicPartition, _ reader: KafkaPartitionReader, _ applier: PlanApplier) throws {
        let (low, high) = try reader.watermarks(log, timeoutMilliseconds: 10_000)
        guard high > state.position else { return }
        // What retention deleted cannot be read again: plans use only what the log still holds.
        for topic in state.histories.keys { state.histories[topic]?.forget(before: low) }
        state.position = max(state.position, low)
        var touched: Set<String> = []
        try reader.read(log, from: state.position, to: high) { offset, value in
            guard let value else { return }
            let record = try ChangelogRecord(decoding: Array(value), withPayload: false)
            state.histories[record.sourceTopic, default: ChangelogHistory()].add(record, at: offset)
            touched.insert(record.sourceTopic)
        }
        state.position = high
        for topic in touched.sorted() {
            let plan: RestorePlan
            do {
                guard let found = try state.histories[topic]?.plan() else { continue }
                plan = found
            } catch {
                if state.reported.insert(topic).inserted { logger.warning("\(topic)[\(log.partition)] is not mirrored: \(error)") }
                continue
            }
            state.reported.remove(topic)
            let rows = PartitionRows(tables: tables, topic: topic, partition: log.partition)
            let applied = state.applied[topic]
            try store.write { db in
                if let applied, plan.records.starts(with: applied) {
                    _ = try applier.apply(Array(plan.records.dropFirst(applied.count)), from: log, to: rows, db)
                } else {
                    try rows.delete(db)
                    _ = try applier.apply(plan.records, from: log, to: rows, db)
                }
                if let next = plan.nextSourceOffset {
                    try ConsumerOffsets.save(db, [PartitionOffset(topic: topic, partition: log.partition, nextOffset: next)], now: Self.now())
                } else {
                    try ConsumerOffsets.delete(db, topic: topic, partition: log.partition)
                }
                try ChangelogLines.save(
                    db,
                    ChangelogLine(
                        topic: topic, partition: log.partition, line: plan.line, epoch: plan.epoch, seq: plan.seq, parent: nil,
                        claimedAt: Self.now(), snapshotAt: plan.baseTime
                    )
                )
            }
            state.applied[topic] = plan.records
        }
    }

    private static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}

import Foundation
import GRDB
import Kafka
import Logging
import Store

/// Moves the state of partitions in and out of this instance through the changelog. When a partition
/// comes, its local rows are brought in line with its changelog (kept when they are its latest state,
/// rebuilt from the log otherwise) and the partition is claimed under a new line; when it goes, its
/// last changelog records are given time to reach the broker and its rows leave this database.
///
/// Used on the consumer thread between batches, when every batch before is committed.
final class PartitionHandOver {
    private let settings: ChangelogSettings
    private let store: Store
    /// Takes a partition's rows out when it leaves.
    private let removal: PartitionRemoval
    private let stats: EngineStats
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let reader: KafkaPartitionReader
    private let inspector: KafkaInspector
    /// The source topics, whose partition counts the changelog must match.
    private let sources: [String]
    private var topicChecked = false
    private let writer = ChangelogWriter()

    /// - Parameter workload: the workload whose partitioned tables move (`failed_messages` is added),
    ///   and whose output named by range is written out before its rows leave.
    /// - Throws: `KafkaError` when the changelog reader cannot be made.
    init<W: Workload>(
        settings: ChangelogSettings, sources: [String], store: Store, workload: W, inspector: KafkaInspector, stats: EngineStats,
        logger: Logger, now: @escaping @Sendable () -> Int64
    ) throws {
        self.sources = sources
        self.inspector = inspector
        self.settings = settings
        self.store = store
        removal = PartitionRemoval(workload)
        self.stats = stats
        self.logger = logger
        self.now = now
        reader = try KafkaPartitionReader(config: settings.kafka, logger: logger)
    }

    /// Makes each partition's local rows its latest state in the changelog, and claims it.
    /// - Throws: ``ChangelogError`` when a partition's changelog holds no complete state; `KafkaError`
    ///   when it cannot be read; what SQLite throws. A partition whose restore failed is left as it was.
    func takeOver(_ partitions: [TopicPartition]) throws {
        if !topicChecked {
            try ChangelogTopic.ensure(settings, sources: sources, inspector: inspector, logger: logger)
            topicChecked = true
        }
        for partition in partitions { try takeOver(partition) }
    }

    /// Waits until the changelog records of `partitions` reached the broker, for at most the hand-over
    /// timeout, so that their next owner restores everything this instance committed.
    func flush(_ partitions: [TopicPartition]) throws {
        let deadline = ContinuousClock.now + settings.handOverTimeout
        for partition in partitions {
            var unsent = try unsentRecords(partition)
            while unsent > 0, ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.02)
                unsent = try unsentRecords(partition)
            }
            if unsent > 0 {
                logger.warning(
                    "\(unsent) changelog records of \(partition) did not reach the broker in time; its next owner processes those messages again"
                )
            }
        }
    }

    /// The partitions this database holds a line of.
    func claimedPartitions() throws -> Set<TopicPartition> {
        try store.read { db in
            Set(try ChangelogLines.all(db).map { TopicPartition(topic: $0.topic, partition: $0.partition) })
        }
    }

    /// Writes a snapshot of each of `partitions` whose last one (or the start from nothing) is older than
    /// the snapshot interval: it lets the changelog's time retention delete the records before it, and a
    /// restore start from it.
    /// - Returns: the partitions snapshotted.
    @discardableResult
    func snapshotDue(_ partitions: Set<TopicPartition>) throws -> [TopicPartition] {
        let time = now()
        let due = try store.read { db in
            try partitions.filter { partition in
                guard let line = try ChangelogLines.load(db, topic: partition.topic, partition: partition.partition) else { return false }
                return time - line.snapshotAt >= Int64(settings.snapshotInterval / .seconds(1))
            }
        }
        let ordered = due.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        for partition in ordered {
            let started = ContinuousClock.now
            let rows = removal.rows(of: partition)
            try store.write { db in
                guard let line = try ChangelogLines.load(db, topic: partition.topic, partition: partition.partition) else { return }
                try writer.appendSnapshot(db, line, rows: rows, now: time)
                try ChangelogLines.recordSnapshot(db, topic: partition.topic, partition: partition.partition, at: time)
            }
            logger.info("\(partition): snapshot written to the changelog", metadata: ["seconds": "\(ContinuousClock.now - started)"])
        }
        return ordered
    }

    /// Deletes the rows, offsets, line and unsent changelog records of `partitions` from this database:
    /// they belong to their next owner.
    func drop(_ partitions: [TopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        let dropped = try store.write { db in
            try partitions.reduce(0) { dropped, partition in
                try dropped + drop(partition, db)
            }
        }
        logger.info("partitions dropped from this database", metadata: ["partitions": "\(partitions.map(\.description).sorted())", "rows": "\(dropped)"])
    }

    private func takeOver(_ partition: TopicPartition) throws {
        let started = ContinuousClock.now
        let log = TopicPartition(topic: settings.topic, partition: partition.partition)
        let (low, high) = try reader.watermarks(log, timeoutMilliseconds: 10_000)
        var history = ChangelogHistory()
        try reader.read(log, from: low, to: high) { offset, value in
            guard let value else { return }
            let record = try ChangelogRecord(decoding: Array(value), withPayload: false)
            if record.sourceTopic == partition.topic { history.add(record, at: offset) }
        }
        let (local, unsent) = try store.read { db in
            (try ChangelogLines.load(db, topic: partition.topic, partition: partition.partition), try unsentRecords(partition, db))
        }
        let plan: RestorePlan?
        do {
            plan = try history.plan()
        } catch {
            guard local != nil else { throw ChangelogError("\(partition) cannot be restored: \(error)") }
            // This database holds the partition: its snapshot makes the history whole again.
            logger.warning("\(partition): \(error); claiming it again with a snapshot of the state this database holds")
            try store.write { db in
                let rows = removal.rows(of: partition)
                try claim(partition, epoch: history.highestEpoch + 1, base: .snapshot, rows: rows, db)
            }
            return
        }
        if let plan {
            if let local, isCurrent(local, plan) {
                logger.info("\(partition): the local state is its latest", metadata: ["line": "\(local.line)", "seq": "\(local.seq)"])
                return
            }
            try restore(partition, plan, from: log, started: started)
        } else if local != nil, unsent > 0 {
            logger.info("\(partition): the local state is its latest; its changelog records are on their way")
        } else {
            try store.write { db in
                let rows = removal.rows(of: partition)
                let held = try ConsumerOffsets.nextOffset(db, topic: partition.topic, partition: partition.partition) != nil
                let base: ChangelogRecord.Base = held ? .snapshot : .empty
                try claim(partition, epoch: 1, base: base, rows: rows, db)
                logger.info("\(partition): claimed with an empty changelog", metadata: ["from": held ? "the local state" : "nothing"])
            }
        }
    }

    /// The local line is the changelog's latest, or continues it with records not sent yet.
    private func isCurrent(_ local: ChangelogLine, _ plan: RestorePlan) -> Bool {
        if local.line == plan.line { return local.seq >= plan.seq }
        guard let parent = local.parent else { return false }
        return parent.line == plan.line && parent.seq == plan.seq && local.epoch > plan.highestEpoch
    }

    /// Replaces the partition's rows with the state `plan` describes, in one transaction, and claims it.
    private func restore(_ partition: TopicPartition, _ plan: RestorePlan, from log: TopicPartition, started: ContinuousClock.Instant) throws {
        stats.recordRestore(started: true)
        defer { stats.recordRestore(started: false) }
        let rows = removal.rows(of: partition)
        var restored = 0
        try store.write { db in
            try drop(partition, db)
            restored = try PlanApplier(reader: reader, stats: stats, logger: logger).apply(plan.records, from: log, to: rows, db)
            if let next = plan.nextSourceOffset {
                try ConsumerOffsets.save(db, [PartitionOffset(topic: partition.topic, partition: partition.partition, nextOffset: next)], now: now())
            }
            try claim(
                partition, epoch: plan.highestEpoch + 1, base: .parent(line: plan.line, seq: plan.seq), rows: rows, db, baseTime: plan.baseTime
            )
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        stats.recordRestoreDuration(seconds)
        logger.info(
            "\(partition): restored from the changelog",
            metadata: [
                "rows": "\(restored)", "records": "\(plan.records.count)", "seconds": "\(String(format: "%.2f", seconds))",
                "resumes_at": "\(plan.nextSourceOffset.map(String.init) ?? "the group's offset")", "line": "\(plan.line)", "seq": "\(plan.seq)",
            ]
        )
    }

    /// Starts a new line for the partition, above every epoch its changelog has seen.
    /// - Parameter baseTime: with a parent, when the snapshot its state is built on was written.
    private func claim(
        _ partition: TopicPartition, epoch: Int64, base: ChangelogRecord.Base, rows: PartitionRows, _ db: Database, baseTime: Int64? = nil
    ) throws {
        var parent: (line: Int64, seq: Int64)?
        if case .parent(let line, let seq) = base { parent = (line, seq) }
        let time = now()
        let line = ChangelogLine(
            topic: partition.topic, partition: partition.partition, line: Int64.random(in: 1...Int64.max), epoch: epoch, seq: 0,
            parent: parent, claimedAt: time, snapshotAt: baseTime ?? time
        )
        try ChangelogLines.save(db, line)
        try writer.appendClaim(db, line, base: base, now: line.claimedAt)
        if base == .snapshot { try writer.appendSnapshot(db, line, rows: rows, now: line.claimedAt) }
    }

    /// Deletes the partition's rows, offset, line and unsent changelog records; its unsent output keeps
    /// going, carrying its bytes from now on.
    /// - Returns: how many rows of the partitioned tables were deleted.
    @discardableResult
    private func drop(_ partition: TopicPartition, _ db: Database) throws -> Int {
        let removed = try removal.remove(partition, db, now: now())
        if removed.missingOutput > 0 {
            logger.error("\(partition): \(removed.missingOutput) unsent output messages had lost their rows before the partition left; the rest go out")
        }
        return removed.rows
    }

    private func unsentRecords(_ partition: TopicPartition, _ db: Database? = nil) throws -> Int {
        guard let db else { return try store.read { try unsentRecords(partition, $0) } }
        return try Outbox.unsentChangelogCount(db, sourceTopic: partition.topic, sourcePartition: partition.partition)
    }
}

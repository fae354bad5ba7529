import Foundation
import GRDB
import Kafka
import Logging
import Store

/// The consume → transaction → commit loop. It lives on its own thread: every call it makes
/// (librdkafka polls, SQLite transactions) blocks.
///
/// Each batch is staged by a workload instance on this thread, then handed to the ``BatchCommitter``,
/// which writes it in ONE transaction together with its failed rows and the next offset of every
/// partition it read, while this thread stages the next batch into a second instance. Only after that
/// commit are the same offsets committed to Kafka, as a hint.
final class ConsumerLoop: KafkaRebalanceHandler {
    private let configuration: EngineConfiguration
    private let store: Store
    private let makeWorkload: () -> any Workload
    /// The instance the next batch is staged into.
    private var workload: any Workload
    private let stats: EngineStats
    private let logger: Logger
    private let stop: StopFlag
    private let now: @Sendable () -> Int64
    private let batch = KafkaMessageBatch()
    private let failedRunner: FailedMessageRunner
    private let failedRunLimit = 1_000
    private var nextFailedCheck = ContinuousClock.now
    private let pruner: Pruner
    private var nextPrune = ContinuousClock.now
    private var prunedSinceReport: [String: Int] = [:]
    private var lastPruneReport = ContinuousClock.now
    private var paused = false
    private var nextObservation = ContinuousClock.now
    private var resumeAt: [TopicPartition: Int64] = [:]
    private var consumer: KafkaConsumer?
    private var committer: BatchCommitter?
    private var assigned: Set<TopicPartition> = []

    init(
        configuration: EngineConfiguration,
        store: Store,
        makeWorkload: @escaping () -> any Workload,
        stats: EngineStats,
        logger: Logger,
        stop: StopFlag,
        now: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.store = store
        self.makeWorkload = makeWorkload
        workload = makeWorkload()
        self.stats = stats
        self.logger = logger
        self.stop = stop
        self.now = now
        failedRunner = FailedMessageRunner(
            store: store,
            workload: makeWorkload(),
            policy: configuration.retryPolicy,
            stats: stats,
            logger: logger,
            now: now,
            batchLimit: failedRunLimit
        )
        pruner = Pruner(
            store: store,
            rules: workload.retentionRules + configuration.retention.engineRules,
            settings: configuration.retention,
            now: now
        )
    }

    /// Consumes until the stop flag is set, then commits the batch in hand, leaves the group and returns.
    /// - Throws: `KafkaError` (unreachable broker, fatal client error) or `EngineError` (a batch could
    ///   not be committed; nothing of it was kept).
    func run() throws {
        let consumer = try KafkaConsumer(config: configuration.kafka, rebalanceHandler: self, logger: logger)
        self.consumer = consumer
        let checkpointer = try BackgroundCheckpointer(store: store)
        let committer = BatchCommitter(
            store: store, spare: makeWorkload(), retryPolicy: configuration.retryPolicy, stats: stats, logger: logger, now: now,
            afterCommit: { checkpointer.request() }
        )
        self.committer = committer
        defer {
            consumer.close()
            committer.stop()
            checkpointer.stop()
        }
        logger.info(
            "connecting to Kafka",
            metadata: ["settings": "\(configuration.kafka.redacted.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"]
        )
        let known = try consumer.topicPartitionCounts(timeoutMilliseconds: configuration.connectTimeoutMilliseconds)
        stats.recordBroker(reachable: true)
        for topic in configuration.topics where known[topic] == nil {
            logger.warning("topic \(topic) does not exist yet; waiting for it to be created")
        }
        try consumer.subscribe(configuration.topics)
        logger.info(
            "consuming",
            metadata: ["topics": "\(configuration.topics)", "group": "\(configuration.kafka["group.id"] ?? "")"]
        )
        while !stop.isSet {
            stats.recordLoop()
            try observe(consumer)
            try consumer.poll(
                into: batch,
                maxMessages: configuration.batchSize,
                timeoutMilliseconds: configuration.batchLatencyMilliseconds
            )
            try submitBatch()
            try hintCommitted(committer.takeCommitted())
            try runFailedMessagesWhenDue()
            try pruneWhenDue()
            try applyOutboxBackpressure()
        }
        try commitBatchInHand()
        logger.info("stopping: last batch committed, leaving the group")
    }

    // MARK: - Observation

    /// Every five seconds: consumer lag per partition (from the end offsets librdkafka already has),
    /// the database's size, and whether the broker answers when no messages came.
    private func observe(_ consumer: KafkaConsumer) throws {
        guard ContinuousClock.now >= nextObservation else { return }
        nextObservation = .now + configuration.observationInterval
        for partition in assigned {
            if let end = consumer.cachedEndOffset(partition), let next = resumeAt[partition] {
                stats.metrics.lag(topic: partition.topic, partition: partition.partition, max(0, end - next))
            }
        }
        let sizes = store.fileSizes()
        stats.metrics.databaseBytes.record(sizes.database)
        stats.metrics.walBytes.record(sizes.wal)
        if stats.sinceLastCommit.map({ $0 > configuration.observationInterval }) ?? true {
            let answered = (try? consumer.topicPartitionCounts(timeoutMilliseconds: 1_000)) != nil
            stats.recordBroker(reachable: answered)
        }
    }

    // MARK: - The transactions

    /// Pauses every assigned partition while the outbox holds more than `maxPending` unsent records,
    /// and resumes them when it is down to half, so a broker that refuses output cannot grow the
    /// database without limit.
    private func applyOutboxBackpressure() throws {
        guard let output = configuration.output, let consumer else { return }
        let pending = try store.read { try Outbox.pendingBound($0) }
        stats.metrics.outboxPending.record(pending)
        if pending > output.maxPending {
            try consumer.pause(Array(assigned))
            if !paused { logger.warning("the outbox holds \(pending) unsent records; consumption paused until it drains") }
            paused = true
        } else if paused, pending <= output.maxPending / 2 {
            try consumer.resume(Array(assigned))
            paused = false
            logger.info("the outbox drained to \(pending) records; consumption resumed")
        }
    }

    /// One bounded retention step every `intervalMilliseconds`; straight away again while expired rows remain.
    private func pruneWhenDue() throws {
        guard ContinuousClock.now >= nextPrune, let committer else { return }
        // The batch committing was checked for lateness against an older cutoff: let it land first, so
        // that it cannot bring back rows this step deletes.
        hintCommitted(try committer.finish())
        let started = ContinuousClock.now
        let (removed, more) = try pruner.step()
        stats.recordPruneStep(ContinuousClock.now - started)
        let interval = Duration.milliseconds(configuration.retention.intervalMilliseconds)
        nextPrune = more ? .now : .now + interval
        stats.recordPruned(removed)
        prunedSinceReport.merge(removed, uniquingKeysWith: +)
        if !prunedSinceReport.isEmpty, ContinuousClock.now - lastPruneReport >= .seconds(10) || !more {
            logger.info("retention pruned rows", metadata: prunedSinceReport.reduce(into: [:]) { $0[$1.key] = "\($1.value)" })
            prunedSinceReport = [:]
            lastPruneReport = .now
        }
    }

    /// Every `failedCheckIntervalMilliseconds`, runs flagged rows and due retries; straight away again
    /// while a run comes back full.
    private func runFailedMessagesWhenDue() throws {
        guard ContinuousClock.now >= nextFailedCheck else { return }
        let run = try failedRunner.runDue()
        nextFailedCheck =
            run == failedRunLimit ? .now : .now.advanced(by: .milliseconds(configuration.failedCheckIntervalMilliseconds))
    }

    /// Stages every message of the batch in hand and hands it to the committer, which commits it with
    /// its offsets in one transaction while the next batch is staged.
    private func submitBatch() throws {
        guard !batch.isEmpty, let committer, !committer.hasFailed else { return }
        var staged = StagedBatch(workload: workload)
        staged.stage(batch)
        batch.removeAll()
        workload = try committer.submit(staged)
    }

    /// Submits the batch in hand and waits until it and the one before it are committed.
    /// - Throws: `EngineError` when one of them could not be committed.
    private func commitBatchInHand() throws {
        guard let committer else { return }
        try submitBatch()
        hintCommitted(try committer.finish())
    }

    /// Before partitions move, the batch in hand and the one committing are committed. After a failed
    /// commit nothing more is: the failure stops the loop at its next step.
    private func commitBeforeRebalance() throws {
        guard committer?.hasFailed == false else { return }
        try commitBatchInHand()
    }

    /// Commits to Kafka, as a hint, the offsets that were just committed to SQLite.
    private func hintCommitted(_ offsets: [TopicPartition: Int64]) {
        guard !offsets.isEmpty else { return }
        resumeAt.merge(offsets) { $1 }
        do {
            try consumer?.commit(offsets, synchronously: false)
        } catch {
            logger.debug("offset hint not committed to Kafka: \(error)")
        }
    }

    // MARK: - Rebalancing

    func partitionsAssigned(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try commitBeforeRebalance()
        let stored = try storedOffsets(for: partitions)
        warnIfProcessedElsewhere(stored)
        resumeAt.merge(stored) { $1 }
        assigned.formUnion(partitions)
        stats.setAssigned(assigned.count)
        return stored
    }

    func partitionsRevoked(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try commitBeforeRebalance()
        assigned.subtract(partitions)
        stats.setAssigned(assigned.count)
        return try storedOffsets(for: partitions)
    }

    /// A stored offset behind the group's committed offset means another instance processed those
    /// messages into its own database while this one did not own the partition: say so.
    private func warnIfProcessedElsewhere(_ stored: [TopicPartition: Int64]) {
        guard !stored.isEmpty, let consumer else { return }
        guard let committed = try? consumer.committedOffsets(Array(stored.keys), timeoutMilliseconds: 5_000) else { return }
        for (partition, offset) in stored {
            guard let groupOffset = committed[partition], groupOffset > offset else { continue }
            let message =
                "partition \(partition) resumes at its stored offset \(offset), behind the group's committed offset \(groupOffset): "
                + "\(groupOffset - offset) messages were processed by another instance and will be counted in both databases"
            logger.warning("\(message)")
        }
    }

    private func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        let wanted = Set(partitions)
        let stored = try store.read { try ConsumerOffsets.load($0) }
        return stored.reduce(into: [:]) { result, offset in
            let partition = TopicPartition(topic: offset.topic, partition: offset.partition)
            if wanted.contains(partition) { result[partition] = offset.nextOffset }
        }
    }
}

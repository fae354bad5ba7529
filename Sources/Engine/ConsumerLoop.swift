import Foundation
import GRDB
import Kafka
import Logging
import Store

/// The consume → transaction → commit loop. It lives on its own thread: every call it makes
/// (librdkafka polls, SQLite transactions) blocks.
///
/// Each batch is staged by the workload, then written in ONE transaction together with its failed
/// rows and the next offset of every partition it read; only after that commit are the same offsets
/// committed to Kafka, as a hint.
final class ConsumerLoop: KafkaRebalanceHandler {
    private let configuration: EngineConfiguration
    private let store: Store
    private let workload: any Workload
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
    private var checkpointer: BackgroundCheckpointer?
    private var assigned: Set<TopicPartition> = []
    private var broken = false

    init(
        configuration: EngineConfiguration,
        store: Store,
        workload: any Workload,
        stats: EngineStats,
        logger: Logger,
        stop: StopFlag,
        now: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.store = store
        self.workload = workload
        self.stats = stats
        self.logger = logger
        self.stop = stop
        self.now = now
        failedRunner = FailedMessageRunner(
            store: store,
            workload: workload,
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
        self.checkpointer = checkpointer
        defer {
            consumer.close()
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
            try commitBatch()
            try runFailedMessagesWhenDue()
            try pruneWhenDue()
            try applyOutboxBackpressure()
        }
        try commitBatch()
        logger.info("stopping: last batch committed, leaving the group")
    }

    // MARK: - Observation

    /// Every five seconds: consumer lag per partition (from the end offsets librdkafka already has),
    /// the database's size, and whether the broker answers when no messages came.
    private func observe(_ consumer: KafkaConsumer) throws {
        guard ContinuousClock.now >= nextObservation else { return }
        nextObservation = .now + .seconds(5)
        for partition in assigned {
            if let end = consumer.cachedEndOffset(partition), let next = resumeAt[partition] {
                stats.metrics.lag(topic: partition.topic, partition: partition.partition, max(0, end - next))
            }
        }
        let sizes = store.fileSizes()
        stats.metrics.databaseBytes.record(sizes.database)
        stats.metrics.walBytes.record(sizes.wal)
        if stats.sinceLastCommit.map({ $0 > .seconds(5) }) ?? true {
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
        guard ContinuousClock.now >= nextPrune else { return }
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

    /// Stages every message of the batch in hand and commits it with its offsets in one transaction.
    private func commitBatch() throws {
        guard !batch.isEmpty, !broken else { return }
        var nextOffsets: [TopicPartition: Int64] = [:]
        var failures: [(FailedMessage, isTransient: Bool)] = []
        batch.forEach { message in
            let incoming = IncomingMessage(
                topic: message.topic,
                partition: message.partition,
                offset: message.offset,
                key: message.key,
                value: message.value
            )
            if let failure = workload.stage(incoming) {
                failures.append((Self.failedMessage(message, failure), failure.isTransient))
            }
            let partition = TopicPartition(topic: message.topic, partition: message.partition)
            nextOffsets[partition] = max(nextOffsets[partition] ?? 0, message.offset + 1)
        }
        let count = batch.count
        let timestamp = now()
        let started = ContinuousClock.now
        do {
            try store.write { db in
                try workload.apply(db, now: timestamp)
                for (message, isTransient) in failures {
                    let next =
                        isTransient
                        ? configuration.retryPolicy.nextAttempt(afterAttempt: 1, now: timestamp, unit: .random(in: 0..<1)) : nil
                    try FailedMessages.insert(db, message, nextAttemptAt: next, now: timestamp)
                }
                try ConsumerOffsets.save(
                    db,
                    nextOffsets.map { PartitionOffset(topic: $0.topic, partition: $0.partition, nextOffset: $1) },
                    now: timestamp
                )
            }
        } catch {
            broken = true
            stats.recordTransactionFailure()
            workload.discard()
            batch.removeAll()
            throw EngineError("a batch of \(count) messages could not be committed, so none of it was kept: \(error)")
        }
        batch.removeAll()
        stats.recordCommit(ContinuousClock.now - started)
        checkpointer?.request()
        stats.recordBroker(reachable: true)
        resumeAt.merge(nextOffsets) { $1 }
        stats.recordBatch(messages: count, failures: failures.reduce(into: [:]) { $0[$1.0.errorClass, default: 0] += 1 })
        logger.debug("batch committed", metadata: ["messages": "\(count)", "failed": "\(failures.count)"])
        do {
            try consumer?.commit(nextOffsets, synchronously: false)
        } catch {
            logger.debug("offset hint not committed to Kafka: \(error)")
        }
    }

    private static func failedMessage(_ message: KafkaMessage, _ failure: WorkloadFailure) -> FailedMessage {
        FailedMessage(
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            key: message.key.map { Array($0) },
            payload: message.value.map { Array($0) },
            headers: message.headers.map { ($0.name, $0.value) },
            errorClass: failure.errorClass,
            error: failure.reason
        )
    }

    // MARK: - Rebalancing

    func partitionsAssigned(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        let stored = try storedOffsets(for: partitions)
        warnIfProcessedElsewhere(stored)
        resumeAt.merge(stored) { $1 }
        assigned.formUnion(partitions)
        stats.setAssigned(assigned.count)
        return stored
    }

    func partitionsRevoked(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try commitBatch()
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

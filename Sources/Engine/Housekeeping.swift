import Kafka
import Logging
import Store

/// The consumer thread's work between batches, each part on its own timer: observation (lag, the
/// database's size, and the broker when no batch committed lately), failed-row runs, retention steps,
/// and outbox backpressure.
final class Housekeeping<W: Workload> {
    private let configuration: EngineConfiguration
    private let store: Store
    private let stats: EngineStats
    private let logger: Logger
    /// Probes the broker on a client of its own: the consumer's queue is served by `poll` alone.
    private let inspector: KafkaInspector
    private let failedRunner: FailedMessageRunner<W>
    private let pruner: Pruner
    private var observation: IntervalTimer
    private var failedRuns: IntervalTimer
    private var pruning: IntervalTimer
    private var snapshots = IntervalTimer(every: .seconds(10))
    private var pruneReport = IntervalTimer(every: .seconds(10))
    private var prunedSinceReport: [String: Int] = [:]
    private var paused = false

    init(
        configuration: EngineConfiguration, store: Store, workload: W, inspector: KafkaInspector, stats: EngineStats, logger: Logger,
        now: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.store = store
        self.stats = stats
        self.logger = logger
        self.inspector = inspector
        failedRunner = FailedMessageRunner(
            store: store, workload: workload, policy: configuration.retryPolicy, stats: stats, logger: logger, now: now,
            changelog: configuration.changelog != nil
        )
        pruner = Pruner(store: store, rules: workload.retentionRules + configuration.retention.engineRules, settings: configuration.retention, now: now)
        observation = IntervalTimer(every: configuration.observationInterval)
        failedRuns = IntervalTimer(every: .milliseconds(configuration.failedCheckIntervalMilliseconds))
        pruning = IntervalTimer(every: .milliseconds(configuration.retention.intervalMilliseconds))
    }

    /// Runs whatever is due.
    /// - Throws: `EngineError` or `StoreError` when a transaction fails, `KafkaError` when
    ///   partitions cannot be paused or resumed.
    func runDue(_ session: ConsumerSession<W>) throws {
        if observation.isDue() { observe(session) }
        if failedRuns.isDue(), try failedRunner.runDue() == failedRunner.batchLimit { failedRuns.dueAgain() }
        if pruning.isDue() { try prune(session) }
        // A revoke is normally followed by an assignment within the rebalance; when none came, the
        // partitions' rows leave anyway.
        try session.dropReleased(olderThan: .seconds(30))
        if snapshots.isDue() { try session.snapshotDue() }
        try applyOutboxBackpressure(session)
    }

    /// Consumer lag per partition (from the end offsets librdkafka already has), the database's size,
    /// and whether the broker answers when no batch committed for an interval.
    private func observe(_ session: ConsumerSession<W>) {
        for partition in session.assigned {
            if let end = session.consumer.cachedEndOffset(partition), let next = session.resumeAt[partition] {
                stats.metrics.lag(topic: partition.topic, partition: partition.partition, max(0, end - next))
            }
        }
        let sizes = store.fileSizes()
        stats.metrics.databaseBytes.record(sizes.database)
        stats.metrics.walBytes.record(sizes.wal)
        if !stats.brokerReachable || stats.sinceLastCommit.map({ $0 > configuration.observationInterval }) ?? true {
            probeBroker()
        }
    }

    /// Asks the broker for metadata and records whether it answered; logs when it stops answering and
    /// when it answers again. librdkafka reconnects by itself meanwhile: nothing is lost, the messages
    /// wait in the broker.
    private func probeBroker() {
        let answered = (try? inspector.topicPartitionCounts(timeoutMilliseconds: 1_000)) != nil
        guard let change = stats.recordBroker(reachable: answered) else { return }
        if answered {
            logger.info("the broker answers again after \(change.components.seconds) s; consuming resumes")
        } else {
            logger.warning(
                "the broker does not answer: consuming waits and librdkafka reconnects by itself; check that Kafka is running and reachable"
            )
        }
    }

    /// One bounded retention step; due again at once while expired rows remain.
    private func prune(_ session: ConsumerSession<W>) throws {
        // The batch committing was checked for lateness against an older cutoff: let it land first, so
        // that it cannot bring back rows this step deletes.
        try session.commitAll()
        let started = ContinuousClock.now
        let (removed, more) = try pruner.step()
        stats.recordPruneStep(ContinuousClock.now - started)
        if more { pruning.dueAgain() }
        stats.recordPruned(removed)
        prunedSinceReport.merge(removed, uniquingKeysWith: +)
        if !prunedSinceReport.isEmpty, pruneReport.isDue() || !more {
            logger.info("retention pruned rows", metadata: prunedSinceReport.reduce(into: [:]) { $0[$1.key] = "\($1.value)" })
            prunedSinceReport = [:]
        }
    }

    /// Pauses every assigned partition while the outbox holds more than `maxPending` unsent messages,
    /// and resumes them when it is down to half, so a broker that refuses output cannot grow the
    /// database without limit.
    private func applyOutboxBackpressure(_ session: ConsumerSession<W>) throws {
        guard let output = configuration.output else { return }
        let pending = try store.read { try Outbox.pendingOutput($0) }
        stats.metrics.outboxPending.record(pending)
        if pending > output.maxPending {
            try session.consumer.pause(Array(session.assigned))
            if !paused { logger.warning("the outbox holds \(pending) unsent output messages; consumption paused until it drains") }
            paused = true
        } else if paused, pending <= output.maxPending / 2 {
            try session.consumer.resume(Array(session.assigned))
            paused = false
            logger.info("the outbox drained to \(pending) messages; consumption resumed")
        }
    }
}

import Foundation
import Kafka
import Logging
import Store

/// Commits staged batches on its own thread, one at a time, so that the consumer thread decodes and
/// stages the next batch on the other core while SQLite writes this one. Each batch is ONE transaction
/// holding the workload's rows, its failed messages and the next offset of every partition it read;
/// at most one batch is in flight, so memory stays bounded by two batches.
///
/// `@unchecked Sendable`: its mutable state is only touched under `condition`, and a batch's workload
/// instance belongs to one thread at a time: the consumer thread until ``submit(_:)`` hands it over,
/// this thread until the transaction ends and the next ``submit(_:)`` hands it back, cleared.
final class BatchCommitter: @unchecked Sendable {
    private let store: Store
    private let retryPolicy: RetryPolicy
    private let stats: EngineStats
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let afterCommit: @Sendable () -> Void
    private let condition = NSCondition()
    private var pending: StagedBatch?
    private var committing = false
    /// The workload instance of the last committed batch, cleared, waiting to stage the next one.
    private var spare: (any Workload)?
    /// Next offsets committed to SQLite since ``takeCommitted()`` last ran.
    private var committed: [TopicPartition: Int64] = [:]
    private var failure: EngineError?
    private var stopped = false
    private var finished = false

    /// Starts the thread.
    /// - Parameters:
    ///   - spare: a second workload instance, handed out by the first ``submit(_:)``.
    ///   - afterCommit: called on this thread after each commit (a checkpoint request).
    init(
        store: Store,
        spare: any Workload,
        retryPolicy: RetryPolicy,
        stats: EngineStats,
        logger: Logger,
        now: @escaping @Sendable () -> Int64,
        afterCommit: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.spare = spare
        self.retryPolicy = retryPolicy
        self.stats = stats
        self.logger = logger
        self.now = now
        self.afterCommit = afterCommit
        let thread = Thread { [self] in
            Thread.current.name = "eddy-commit"
            run()
        }
        thread.start()
    }

    /// Hands `batch` over for commit once the batch before it is committed.
    /// - Returns: a cleared workload instance to stage the next batch into.
    /// - Throws: `EngineError` when an earlier batch could not be committed; `batch` is then dropped
    ///   uncommitted, and so is every later one.
    func submit(_ batch: StagedBatch) throws -> any Workload {
        try condition.withLock {
            while pending != nil || committing, failure == nil { condition.wait() }
            if let failure { throw failure }
            pending = batch
            condition.broadcast()
            // Nothing pending or committing: the last batch's instance came back as the spare.
            let free = spare!
            spare = nil
            return free
        }
    }

    /// Waits until every submitted batch is committed.
    /// - Returns: the next offsets committed since the last call, per partition.
    /// - Throws: `EngineError` when a batch could not be committed.
    func finish() throws -> [TopicPartition: Int64] {
        try condition.withLock {
            while pending != nil || committing, failure == nil { condition.wait() }
            return try takeCommittedLocked()
        }
    }

    /// The next offsets committed since the last call, without waiting.
    /// - Throws: `EngineError` when a batch could not be committed.
    func takeCommitted() throws -> [TopicPartition: Int64] {
        try condition.withLock { try takeCommittedLocked() }
    }

    /// A batch could not be committed: nothing more will be.
    var hasFailed: Bool {
        condition.withLock { failure != nil }
    }

    /// Stops the thread once the batch in flight is committed; a batch not yet started is dropped.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
            while !finished { condition.wait() }
        }
    }

    private func takeCommittedLocked() throws -> [TopicPartition: Int64] {
        if let failure { throw failure }
        defer { committed.removeAll(keepingCapacity: true) }
        return committed
    }

    private func run() {
        while let batch = nextBatch() {
            let result = commit(batch)
            condition.withLock {
                committing = false
                switch result {
                case .success: committed.merge(batch.nextOffsets) { max($0, $1) }
                case .failure(let error): failure = error
                }
                spare = batch.workload
                condition.broadcast()
            }
            if case .success = result { afterCommit() }
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    private func nextBatch() -> StagedBatch? {
        condition.withLock {
            while pending == nil, !stopped { condition.wait() }
            guard !stopped, failure == nil, let batch = pending else { return nil }
            pending = nil
            committing = true
            return batch
        }
    }

    /// The batch's ONE transaction: the workload's rows, the failed messages, the offsets.
    private func commit(_ batch: StagedBatch) -> Result<Void, EngineError> {
        let timestamp = now()
        let started = ContinuousClock.now
        do {
            try store.write { db in
                try batch.workload.apply(db, now: timestamp)
                for (message, isTransient) in batch.failures {
                    let next = isTransient ? retryPolicy.nextAttempt(afterAttempt: 1, now: timestamp, unit: .random(in: 0..<1)) : nil
                    try FailedMessages.insert(db, message, nextAttemptAt: next, now: timestamp)
                }
                try ConsumerOffsets.save(
                    db,
                    batch.nextOffsets.map { PartitionOffset(topic: $0.topic, partition: $0.partition, nextOffset: $1) },
                    now: timestamp
                )
            }
        } catch {
            batch.workload.discard()
            stats.recordTransactionFailure()
            return .failure(EngineError("a batch of \(batch.count) messages could not be committed, so none of it was kept: \(error)"))
        }
        stats.recordCommit(ContinuousClock.now - started)
        stats.recordBroker(reachable: true)
        stats.recordBatch(messages: batch.count, failures: batch.failureCounts)
        logger.debug("batch committed", metadata: ["messages": "\(batch.count)", "failed": "\(batch.failures.count)"])
        return .success(())
    }
}

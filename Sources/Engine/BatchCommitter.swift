import Foundation
import Kafka
import Logging
import NIOConcurrencyHelpers
import Primitives
import Store

/// Commits staged batches on a thread of its own, one at a time, so that the consumer thread stages
/// the next batch on the other core while SQLite writes this one. Each batch is ONE transaction
/// holding the workload's rows, its failed messages and the next offset of every partition it read.
/// At most one batch commits while the consumer stages the next, so memory stays bounded by two.
///
/// Used from the consumer thread; the batches travel to the commit thread as values.
final class BatchCommitter<W: Workload> {
    private let thread: WorkerThread<StagedBatch<W>>
    private let transactions: BatchTransactions<W>

    private init(thread: WorkerThread<StagedBatch<W>>, transactions: BatchTransactions<W>) {
        self.thread = thread
        self.transactions = transactions
    }

    /// Starts the commit thread, runs `body` with a committer, then lets the batch in flight commit
    /// and stops the thread, also when `body` throws.
    /// - Parameters:
    ///   - changelog: the changelog each transaction also writes what it changed to, or `nil` when it is off.
    ///   - output: the output topic, or `nil` when it is off.
    ///   - afterCommit: called on the commit thread after each commit (a checkpoint request).
    static func run<R>(
        workload: W,
        changelog: ChangelogSettings?,
        output: OutputSettings?,
        store: Store,
        retryPolicy: RetryPolicy,
        stats: EngineStats,
        logger: Logger,
        now: @escaping @Sendable () -> Int64,
        afterCommit: @escaping @Sendable () -> Void,
        _ body: (BatchCommitter) throws -> R
    ) rethrows -> R {
        let transactions = BatchTransactions(
            workload: workload, rowCache: changelog?.rowCache, outputCache: output?.cache, store: store, retryPolicy: retryPolicy, stats: stats,
            logger: logger, now: now, afterCommit: afterCommit
        )
        return try WorkerThread.run(named: "eddy-commit", handle: transactions.commit) { thread in
            try body(BatchCommitter(thread: thread, transactions: transactions))
        }
    }

    /// Hands `batch` to the commit thread once the batch before it is committed.
    /// - Throws: `EngineError` when an earlier batch could not be committed; `batch` is then dropped
    ///   uncommitted, and so is every later one.
    func submit(_ batch: StagedBatch<W>) throws {
        if !thread.isIdle {
            transactions.stats.recordCommitWait()
            thread.waitUntilIdle()
        }
        try transactions.throwIfFailed()
        thread.submit(batch)
    }

    /// Waits until every submitted batch is committed.
    /// - Returns: the next offsets committed since the last call, per partition.
    /// - Throws: `EngineError` when a batch could not be committed.
    func finish() throws -> [TopicPartition: Int64] {
        thread.waitUntilIdle()
        return try transactions.takeCommitted()
    }

    /// The next offsets committed since the last call, without waiting.
    /// - Throws: `EngineError` when a batch could not be committed.
    func takeCommitted() throws -> [TopicPartition: Int64] {
        try transactions.takeCommitted()
    }
}

/// The commit thread's side: each batch's ONE transaction, and what came of it.
private final class BatchTransactions<W: Workload>: Sendable {
    let workload: W
    /// Where the rows named by the committed changelog records go for the relay; `nil` when the
    /// changelog is off.
    let rowCache: ChangelogRowCache?
    /// Where the messages that committed output rows name go for the relay; `nil` when the output is off.
    let outputCache: OutputRecordCache?
    let store: Store
    let retryPolicy: RetryPolicy
    let stats: EngineStats
    let logger: Logger
    let now: @Sendable () -> Int64
    let afterCommit: @Sendable () -> Void
    /// Next offsets committed to SQLite and not yet taken; the first failure, after which nothing more is committed.
    /// A pthread lock rather than `Mutex`: ThreadSanitizer sees it, and reported the two threads' accesses
    /// under a contended `Mutex` (Linux futexes) as a race.
    private let outcome = NIOLockedValueBox<(committed: [TopicPartition: Int64], failure: EngineError?)>(([:], nil))

    init(
        workload: W, rowCache: ChangelogRowCache?, outputCache: OutputRecordCache?, store: Store, retryPolicy: RetryPolicy, stats: EngineStats,
        logger: Logger, now: @escaping @Sendable () -> Int64, afterCommit: @escaping @Sendable () -> Void
    ) {
        self.workload = workload
        self.rowCache = rowCache
        self.outputCache = outputCache
        self.store = store
        self.retryPolicy = retryPolicy
        self.stats = stats
        self.logger = logger
        self.now = now
        self.afterCommit = afterCommit
    }

    func throwIfFailed() throws {
        if let failure = outcome.withLockedValue({ $0.failure }) { throw failure }
    }

    func takeCommitted() throws -> [TopicPartition: Int64] {
        try outcome.withLockedValue { outcome in
            if let failure = outcome.failure { throw failure }
            defer { outcome.committed.removeAll(keepingCapacity: true) }
            return outcome.committed
        }
    }

    /// The batch's ONE transaction: the workload's rows, its output, the failed messages, the offsets, and
    /// with the changelog on, one change set per partition with all of it.
    @Sendable func commit(_ batch: StagedBatch<W>) {
        guard outcome.withLockedValue({ $0.failure == nil }) else { return }
        let timestamp = now()
        let started = ContinuousClock.now
        do {
            try store.write { db in
                // A write retried after a full disk runs this again: drop what the attempt before held.
                outputCache?.rollBack()
                rowCache?.rollBack()
                let changes = rowCache == nil ? nil : PartitionChanges()
                try workload.apply(batch.effects, to: db, now: timestamp, changes: changes)
                let output = try workload.output(of: batch.effects).map { try OutputWriter.write($0, to: db, now: timestamp) }
                for (message, isTransient) in batch.failures {
                    let next = isTransient ? retryPolicy.nextAttempt(afterAttempt: 1, now: timestamp, unit: .random(in: 0..<1)) : nil
                    guard let changes else {
                        try FailedMessages.insert(db, message, nextAttemptAt: next, now: timestamp)
                        continue
                    }
                    try changes.record(topic: message.topic, partition: message.partition) { set in
                        try FailedMessages.insert(db, message, nextAttemptAt: next, now: timestamp, recordingInto: &set)
                    }
                }
                for gap in batch.gaps { try OffsetGaps.insert(db, gap, now: timestamp) }
                try ConsumerOffsets.save(
                    db,
                    batch.nextOffsets.map { PartitionOffset(topic: $0.topic, partition: $0.partition, nextOffset: $1) },
                    now: timestamp
                )
                let named = try changes.map { try ChangelogWriter().append(db, $0, nextOffsets: batch.nextOffsets, now: timestamp) }
                // Held before COMMIT: the relay may read the rows the instant they are committed.
                outputCache?.hold(output ?? [])
                rowCache?.hold(named ?? [])
            }
            outputCache?.commit()
            rowCache?.commit()
        } catch {
            outputCache?.rollBack()
            rowCache?.rollBack()
            stats.recordTransactionFailure()
            let failure = EngineError("a batch of \(batch.count) messages could not be committed, so none of it was kept: \(error)")
            outcome.withLockedValue { $0.failure = failure }
            return
        }
        stats.recordCommit(ContinuousClock.now - started)
        stats.recordBatch(messages: batch.count, failures: batch.failureCounts)
        stats.recordRowsWritten(workload.rowsWritten(by: batch.effects))
        stats.recordGaps(batch.gaps)
        logger.debug("batch committed", metadata: ["messages": "\(batch.count)", "failed": "\(batch.failures.count)"])
        outcome.withLockedValue { $0.committed.merge(batch.nextOffsets) { max($0, $1) } }
        afterCommit()
    }
}

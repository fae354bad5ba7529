import Foundation
import Kafka
import Store
import Synchronization

/// Running totals and health of the consumer loop, readable from any thread; every record also
/// feeds the swift-metrics instruments.
public final class EngineStats: Sendable {
    let metrics = EngineMetrics()
    private let origin = ContinuousClock.now
    private let lastLoopMilliseconds = Atomic<Int>(0)
    private let lastCommitMilliseconds = Atomic<Int>(-1)
    private let brokerSilentSince = Mutex<ContinuousClock.Instant?>(nil)
    private let failing = Atomic<Bool>(false)
    private let consumedCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)
    private let assignedCount = Atomic<Int>(0)
    private let reprocessedCount = Atomic<Int>(0)
    private let resolvedCount = Atomic<Int>(0)
    private let prunedCount = Atomic<Int>(0)
    private let publishedCount = Atomic<Int>(0)
    private let changelogReadBackCount = Atomic<Int>(0)
    private let outputReadBackCount = Atomic<Int>(0)
    private let commitWaitCount = Atomic<Int>(0)
    private let longestCommitMicroseconds = Atomic<Int>(0)
    private let longestPruneMicroseconds = Atomic<Int>(0)
    private let restoringCount = Atomic<Int>(0)
    private let restoredRowsCount = Atomic<Int>(0)
    private let writeWaits = Mutex<[WriteWaitReason: ContinuousClock.Instant]>([:])
    private let refusedList = Mutex<[String]>([])

    public init() {}

    /// Messages applied or recorded as failed, in committed transactions.
    public var consumed: Int { consumedCount.load(ordering: .relaxed) }
    /// Messages written to `failed_messages`.
    public var failed: Int { failedCount.load(ordering: .relaxed) }
    /// Partitions currently assigned.
    public var assignedPartitions: Int { assignedCount.load(ordering: .relaxed) }

    /// Failed rows run through the workload again (retries and operator reprocessing).
    public var reprocessed: Int { reprocessedCount.load(ordering: .relaxed) }
    /// Failed rows that succeeded on a later attempt and are now `resolved`.
    public var resolved: Int { resolvedCount.load(ordering: .relaxed) }

    /// Rows removed by retention.
    public var pruned: Int { prunedCount.load(ordering: .relaxed) }
    /// The longest a batch transaction took to commit, writing included.
    public var longestCommit: Duration { .microseconds(longestCommitMicroseconds.load(ordering: .relaxed)) }

    /// Output-topic records the broker acknowledged.
    public var published: Int { publishedCount.load(ordering: .relaxed) }
    /// Changelog rows the relay read back from their table (after a restart, a failed send, or when it
    /// fell behind the rows kept in memory).
    public var changelogRowsReadBack: Int { changelogReadBackCount.load(ordering: .relaxed) }
    /// Output messages the relay made from their rows read back (after a restart, a failed send, or when
    /// it fell behind the messages kept in memory).
    public var outputRecordsReadBack: Int { outputReadBackCount.load(ordering: .relaxed) }

    /// Records the ranges of offsets the broker deleted before they were read.
    func recordGaps(_ gaps: [OffsetGap]) {
        for gap in gaps { metrics.messagesLost.increment(by: Int(gap.to - gap.from)) }
    }

    /// What a write can wait for, held up from outside.
    enum WriteWaitReason: Sendable {
        /// Another connection's write lock (an operator's open transaction).
        case lock
        /// Space on a full disk.
        case fullDisk
    }

    /// Since when a write has waited for the database's write lock, held by another connection (an
    /// operator's open transaction), or `nil`.
    public var waitingForLockSince: ContinuousClock.Instant? { writeWaits.withLock { $0[.lock] } }

    /// Since when a write has waited for space on a full disk, or `nil`.
    public var diskFullSince: ContinuousClock.Instant? { writeWaits.withLock { $0[.fullDisk] } }

    /// Records that a write started waiting (`since`), or that none waits any more (`nil`).
    /// - Returns: how long the wait that ended lasted.
    func recordWait(_ reason: WriteWaitReason, since: ContinuousClock.Instant?) -> Duration? {
        let (gauge, counter) = reason == .lock ? (metrics.lockWaiting, metrics.lockWaits) : (metrics.diskFull, metrics.diskFullWaits)
        gauge.record(since == nil ? 0 : 1)
        if since != nil { counter.increment() }
        return writeWaits.withLock { waits in
            defer { waits[reason] = since }
            return since == nil ? waits[reason].map { ContinuousClock.now - $0 } : nil
        }
    }

    /// The partitions refused because their stored offset lies past the end of the broker's log, by name.
    public var refusedPartitions: [String] { refusedList.withLock { $0 } }

    func setRefused(_ partitions: Set<TopicPartition>) {
        refusedList.withLock { $0 = partitions.map(\.description).sorted() }
        metrics.refused.record(partitions.count)
    }

    /// A partition's state is being rebuilt from the changelog.
    public var isRestoring: Bool { restoringCount.load(ordering: .relaxed) > 0 }
    /// Rows written by restores from the changelog.
    public var restoredRows: Int { restoredRowsCount.load(ordering: .relaxed) }

    func recordRestore(started: Bool) {
        let now = restoringCount.add(started ? 1 : -1, ordering: .relaxed).newValue
        metrics.restoring.record(now)
    }

    /// Also counts as the loop going round: a restore is progress, not a stall.
    func recordRestoredRows(_ rows: Int) {
        restoredRowsCount.add(rows, ordering: .relaxed)
        metrics.restoredRows.increment(by: rows)
        recordLoop()
    }

    func recordRestoreDuration(_ seconds: Double) {
        metrics.restoreSeconds.recordNanoseconds(Int64(seconds * 1e9))
    }

    func recordChangelogSent(_ records: Int) {
        guard records > 0 else { return }
        metrics.changelogSent.increment(by: records)
    }

    /// Rows the relay read back from their table for a changelog record, not having them in memory.
    func recordChangelogRowsReadBack(_ rows: Int) {
        changelogReadBackCount.add(rows, ordering: .relaxed)
        metrics.changelogReadBack.increment(by: rows)
    }

    /// Output messages the relay made from their rows read back, not having them in memory.
    func recordOutputRecordsReadBack(_ records: Int) {
        outputReadBackCount.add(records, ordering: .relaxed)
        metrics.outputReadBack.increment(by: records)
    }

    func recordPublished(_ records: Int) {
        publishedCount.add(records, ordering: .relaxed)
        metrics.published.increment(by: records)
    }

    func recordPruned(_ removed: [String: Int]) {
        prunedCount.add(removed.values.reduce(0, +), ordering: .relaxed)
        for (table, rows) in removed { metrics.pruned.increment(table, by: rows) }
    }

    /// The rows a committed batch wrote, per table.
    func recordRowsWritten(_ rows: [(table: String, rows: Int)]) {
        for (table, count) in rows { metrics.written.increment(table, by: count) }
    }

    /// Makes the per-table counters exist at 0 from the start, so that the first rows written or pruned
    /// show in `rate()`.
    public func registerTables(written: [String], pruned: [String]) {
        metrics.written.register(written)
        metrics.pruned.register(pruned)
    }

    // MARK: - Health

    /// How long ago the consumer loop last went round; `nil` before it started.
    public var sinceLastLoop: Duration? {
        let last = lastLoopMilliseconds.load(ordering: .relaxed)
        return last == 0 ? nil : (ContinuousClock.now - origin) - .milliseconds(last)
    }

    /// How long ago the last batch committed; `nil` before the first.
    public var sinceLastCommit: Duration? {
        let last = lastCommitMilliseconds.load(ordering: .relaxed)
        return last < 0 ? nil : (ContinuousClock.now - origin) - .milliseconds(last)
    }

    /// Whether the broker answered the last time the loop asked.
    public var brokerReachable: Bool { brokerUnreachableSince == nil }

    /// Since when the broker has not answered the loop, or `nil` while it answers.
    public var brokerUnreachableSince: ContinuousClock.Instant? { brokerSilentSince.withLock { $0 } }

    /// Whether the last transaction failed (the loop then stops).
    public var transactionsFailing: Bool { failing.load(ordering: .relaxed) }

    func recordLoop() {
        lastLoopMilliseconds.store(max(1, Int((ContinuousClock.now - origin) / .milliseconds(1))), ordering: .relaxed)
    }

    /// Records whether the broker answered.
    /// - Returns: `.zero` when it stopped answering now, how long it was silent when it answers again,
    ///   `nil` when nothing changed.
    @discardableResult
    func recordBroker(reachable: Bool) -> Duration? {
        let change: Duration? = brokerSilentSince.withLock { since in
            switch (reachable, since) {
            case (true, let start?):
                since = nil
                return ContinuousClock.now - start
            case (false, nil):
                since = .now
                return .zero
            default:
                return nil
            }
        }
        metrics.brokerReachable.record(reachable ? 1 : 0)
        return change
    }

    func recordTransactionFailure() {
        failing.store(true, ordering: .relaxed)
    }

    /// The longest one retention step took (the time a batch can wait for pruning).
    public var longestPruneStep: Duration { .microseconds(longestPruneMicroseconds.load(ordering: .relaxed)) }

    func recordCommit(_ duration: Duration) {
        Self.raise(longestCommitMicroseconds, to: duration)
        metrics.commitLatency.recordNanoseconds(Int64(duration / .nanoseconds(1)))
        lastCommitMilliseconds.store(Int((ContinuousClock.now - origin) / .milliseconds(1)), ordering: .relaxed)
        metrics.lastCommit.record(Date().timeIntervalSince1970)
    }

    /// Staged batches that had to wait for the batch before them to commit (the writer is the bottleneck).
    public var commitWaits: Int { commitWaitCount.load(ordering: .relaxed) }

    /// Counted when the wait starts, so that a batch waiting now is already counted.
    func recordCommitWait() {
        commitWaitCount.add(1, ordering: .relaxed)
        metrics.commitWaits.increment()
    }

    func recordPruneStep(_ duration: Duration) {
        Self.raise(longestPruneMicroseconds, to: duration)
    }

    private static func raise(_ maximum: borrowing Atomic<Int>, to duration: Duration) {
        let micros = Int(duration / .microseconds(1))
        var current = maximum.load(ordering: .relaxed)
        while micros > current {
            let (exchanged, original) = maximum.compareExchange(expected: current, desired: micros, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
    }

    /// - Parameter retried: how many of the rows were due retries (the others were flagged by an operator).
    func recordReprocessing(run: Int, resolved: Int, retried: Int) {
        reprocessedCount.add(run, ordering: .relaxed)
        resolvedCount.add(resolved, ordering: .relaxed)
        metrics.reprocessed.increment(by: run - retried)
        metrics.retried.increment(by: retried)
        metrics.resolved.increment(by: resolved)
    }

    /// - Parameter failures: the failed messages of the batch by error class.
    func recordBatch(messages: Int, failures: [String: Int]) {
        let failed = failures.values.reduce(0, +)
        consumedCount.add(messages, ordering: .relaxed)
        failedCount.add(failed, ordering: .relaxed)
        metrics.consumed.increment(by: messages)
        metrics.applied.increment(by: messages - failed)
        metrics.batchMessages.record(messages)
        for (errorClass, count) in failures { metrics.failed.increment(errorClass, by: count) }
    }

    func setAssigned(_ count: Int) {
        assignedCount.store(count, ordering: .relaxed)
        metrics.assigned.record(count)
    }
}

import Synchronization

/// Running totals of the consumer loop, readable from any thread.
public final class EngineStats: Sendable {
    private let consumedCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)
    private let batchCount = Atomic<Int>(0)
    private let assignedCount = Atomic<Int>(0)
    private let reprocessedCount = Atomic<Int>(0)
    private let resolvedCount = Atomic<Int>(0)
    private let prunedCount = Atomic<Int>(0)
    private let publishedCount = Atomic<Int>(0)
    private let longestCommitMicroseconds = Atomic<Int>(0)
    private let longestPruneMicroseconds = Atomic<Int>(0)

    public init() {}

    /// Messages applied or recorded as failed, in committed transactions.
    public var consumed: Int { consumedCount.load(ordering: .relaxed) }
    /// Messages written to `failed_messages`.
    public var failed: Int { failedCount.load(ordering: .relaxed) }
    /// Committed batch transactions.
    public var batches: Int { batchCount.load(ordering: .relaxed) }
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

    /// Outbox records the broker acknowledged.
    public var published: Int { publishedCount.load(ordering: .relaxed) }

    func recordPublished(_ records: Int) {
        publishedCount.add(records, ordering: .relaxed)
    }

    func recordPruned(_ rows: Int) {
        prunedCount.add(rows, ordering: .relaxed)
    }

    /// The longest one retention step took (the time a batch can wait for pruning).
    public var longestPruneStep: Duration { .microseconds(longestPruneMicroseconds.load(ordering: .relaxed)) }

    func recordCommit(_ duration: Duration) {
        Self.raise(longestCommitMicroseconds, to: duration)
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

    func recordReprocessing(run: Int, resolved: Int) {
        reprocessedCount.add(run, ordering: .relaxed)
        resolvedCount.add(resolved, ordering: .relaxed)
    }

    func recordBatch(messages: Int, failed: Int) {
        consumedCount.add(messages, ordering: .relaxed)
        failedCount.add(failed, ordering: .relaxed)
        batchCount.add(1, ordering: .relaxed)
    }

    func setAssigned(_ count: Int) {
        assignedCount.store(count, ordering: .relaxed)
    }
}

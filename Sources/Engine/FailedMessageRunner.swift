import GRDB
import Logging
import Primitives
import Store

/// Runs `failed_messages` rows through the workload again: retries whose time has come and rows an
/// operator flagged with `reprocess = 1`. Each run is ONE transaction that selects the rows, applies
/// those that now succeed and marks them `resolved`, and records another attempt for the others, so a
/// crash can never apply a row twice or mark it without applying it.
final class FailedMessageRunner<W: Workload> {
    private let store: Store
    private let workload: W
    private let policy: RetryPolicy
    private let stats: EngineStats
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let unit: () -> Double
    /// The most rows in one run.
    let batchLimit: Int
    /// Whether each run also writes its changes to the changelog.
    private let changelog: Bool

    /// - Parameters:
    ///   - now: unix seconds; injectable so tests can move time.
    ///   - unit: a random number in 0..<1 for the backoff's jitter.
    ///   - batchLimit: the most rows in one run.
    ///   - changelog: whether the changelog is on: runs then take only rows of claimed partitions, and
    ///     send what they change to the changelog.
    init(
        store: Store,
        workload: W,
        policy: RetryPolicy,
        stats: EngineStats,
        logger: Logger,
        now: @escaping @Sendable () -> Int64,
        unit: @escaping () -> Double = { Double.random(in: 0..<1) },
        batchLimit: Int = 1_000,
        changelog: Bool = false
    ) {
        self.changelog = changelog
        self.store = store
        self.workload = workload
        self.policy = policy
        self.stats = stats
        self.logger = logger
        self.now = now
        self.unit = unit
        self.batchLimit = batchLimit
    }

    /// Runs up to `batchLimit` due rows in one transaction.
    /// - Returns: how many rows were run; `batchLimit` means more may be due.
    /// - Throws: `EngineError` when the transaction fails; nothing of it was kept.
    @discardableResult
    func runDue() throws -> Int {
        let timestamp = now()
        var resolved = 0
        var run = 0
        var retried = 0
        do {
            try store.write { db in
                let rows = try FailedMessages.due(db, now: timestamp, limit: batchLimit, claimedOnly: changelog)
                run = rows.count
                retried = rows.filter { !$0.reprocess && $0.status == .retrying }.count
                guard !rows.isEmpty else { return }
                var batch = workload.makeBatch(capacity: rows.count)
                var failures: [(StoredFailure, WorkloadFailure)] = []
                for row in rows {
                    if let failure = stage(row, into: &batch) { failures.append((row, failure)) }
                }
                let changes = changelog ? PartitionChanges() : nil
                try workload.apply(batch, to: db, now: timestamp, changes: changes)
                // Sent from the rows they name: the relay has no copy of these in memory.
                if let output = workload.output(of: batch) { _ = try OutputWriter.write(output, to: db, now: timestamp) }
                let failedIDs = Set(failures.map(\.0.id))
                for row in rows where !failedIDs.contains(row.id) {
                    try FailedMessages.recordSuccess(db, id: row.id, now: timestamp)
                    resolved += 1
                }
                for (row, failure) in failures {
                    let next = failure.isTransient ? policy.nextAttempt(afterAttempt: row.attempts + 1, now: timestamp, unit: unit()) : nil
                    try FailedMessages.recordFailure(
                        db, id: row.id, errorClass: failure.errorClass, error: failure.reason, nextAttemptAt: next, now: timestamp
                    )
                }
                if let changes {
                    for row in rows { try changes.recordFailedRow(db, topic: row.topic, partition: row.partition, offset: row.offset) }
                    // The rows these records name are read back when they are sent, range by range.
                    _ = try ChangelogWriter().append(db, changes, nextOffsets: [:], now: timestamp)
                }
            }
        } catch {
            throw EngineError("reprocessing failed messages could not be committed, so none of it was kept: \(error)")
        }
        if run > 0 {
            stats.recordReprocessing(run: run, resolved: resolved, retried: retried)
            logger.info("failed messages run again", metadata: ["rows": "\(run)", "resolved": "\(resolved)", "failed_again": "\(run - resolved)"])
        }
        return run
    }

    private func stage(_ row: StoredFailure, into batch: inout W.Batch) -> WorkloadFailure? {
        withOptionalBytes(row.key) { key in
            withOptionalBytes(row.payload) { value in
                workload.stage(IncomingMessage(topic: row.topic, partition: row.partition, offset: row.offset, key: key, value: value), into: &batch)
            }
        }
    }
}

import Store

/// The engine's own retention policies, for the tables it owns, and how pruning is paced.
public struct RetentionSettings: Sendable, Equatable {
    /// `resolved` failed rows, by the time they were resolved; `nil` keeps them.
    public var resolvedFailuresSeconds: Int64?
    /// `dead` failed rows, by their last attempt; `nil` (the default) keeps them until an operator acts.
    public var deadFailuresSeconds: Int64?
    /// Outbox rows the broker acknowledged, by the time they were written (the relay sends them within
    /// moments unless the broker is away).
    public var sentOutboxSeconds: Int64?
    /// The most rows one pruning transaction deletes.
    public var rowsPerStep: Int
    /// How long one pruning step may take between two batches, in milliseconds.
    public var stepBudgetMilliseconds: Int
    /// How often to look for expired rows when the last step found none, in milliseconds.
    public var intervalMilliseconds: Int

    public init(
        resolvedFailuresSeconds: Int64? = 30 * 86_400,
        deadFailuresSeconds: Int64? = nil,
        sentOutboxSeconds: Int64? = 3_600,
        rowsPerStep: Int = 2_000,
        stepBudgetMilliseconds: Int = 50,
        intervalMilliseconds: Int = 5_000
    ) {
        self.resolvedFailuresSeconds = resolvedFailuresSeconds
        self.deadFailuresSeconds = deadFailuresSeconds
        self.sentOutboxSeconds = sentOutboxSeconds
        self.rowsPerStep = rowsPerStep
        self.stepBudgetMilliseconds = stepBudgetMilliseconds
        self.intervalMilliseconds = intervalMilliseconds
    }

    /// The rules for `failed_messages` and `outbox`.
    public var engineRules: [RetentionRule] {
        [
            RetentionRule(
                name: "failed_messages (resolved)", table: "failed_messages", timeColumn: "last_attempt_at", keyColumns: ["id"],
                condition: "status = 'resolved'", retainSeconds: resolvedFailuresSeconds
            ),
            RetentionRule(
                name: "failed_messages (dead)", table: "failed_messages", timeColumn: "last_attempt_at", keyColumns: ["id"],
                condition: "status = 'dead'", retainSeconds: deadFailuresSeconds
            ),
            RetentionRule(name: "outbox (sent)", retainSeconds: sentOutboxSeconds) { db, cutoff, limit in
                try Outbox.deleteSent(db, createdBefore: cutoff, limit: limit)
            },
        ]
    }
}

import ArgumentParser
import Engine
import Logins

/// How long each table keeps its rows, and how pruning is paced.
struct RetentionOptions: ParsableArguments {
    @Option(help: "Keep login_events rows this long by event time (7d, 12h, off). [env: EDDY_RETAIN_EVENTS]")
    var retainEvents: RetentionPeriod = Env.retention("EDDY_RETAIN_EVENTS", default: "7d")

    @Option(
        help: "Keep login_counts windows this long by window start; older events go to failed_messages as late. [env: EDDY_RETAIN_COUNTS]"
    )
    var retainCounts: RetentionPeriod = Env.retention("EDDY_RETAIN_COUNTS", default: "90d")

    @Option(help: "Keep resolved failed_messages rows this long after they were resolved. [env: EDDY_RETAIN_RESOLVED]")
    var retainResolved: RetentionPeriod = Env.retention("EDDY_RETAIN_RESOLVED", default: "30d")

    @Option(help: "Keep dead failed_messages rows this long after their last attempt. [env: EDDY_RETAIN_DEAD]")
    var retainDead: RetentionPeriod = Env.retention("EDDY_RETAIN_DEAD", default: "off")

    @Option(help: "Keep sent output records in the outbox this long after they were written. [env: EDDY_RETAIN_SENT]")
    var retainSent: RetentionPeriod = Env.retention("EDDY_RETAIN_SENT", default: "1h")

    @Option(help: "The most rows one pruning transaction deletes. [env: EDDY_PRUNE_ROWS]")
    var pruneRows: Int = Env.int("EDDY_PRUNE_ROWS", default: 2_000)

    @Option(help: "How long one pruning step may take between two batches. [env: EDDY_PRUNE_BUDGET]")
    var pruneBudget: TimeSpan = Env.timeSpan("EDDY_PRUNE_BUDGET", default: "50ms")

    @Option(help: "How often to look for expired rows when none were left. [env: EDDY_PRUNE_INTERVAL]")
    var pruneInterval: TimeSpan = Env.timeSpan("EDDY_PRUNE_INTERVAL", default: "5s")

    func validate() throws {
        try Env.check()
        guard (1...1_000_000).contains(pruneRows) else { throw ValidationError("--prune-rows must be between 1 and 1000000") }
        guard (1...10_000).contains(pruneBudget.milliseconds) else { throw ValidationError("--prune-budget must be between 1ms and 10s") }
        guard pruneInterval.milliseconds >= 10 else { throw ValidationError("--prune-interval must be at least 10ms") }
    }

    /// The engine's retention for its own tables.
    var settings: RetentionSettings {
        RetentionSettings(
            resolvedFailuresSeconds: retainResolved.seconds,
            deadFailuresSeconds: retainDead.seconds,
            sentOutboxSeconds: retainSent.seconds,
            rowsPerStep: pruneRows,
            stepBudgetMilliseconds: Int(pruneBudget.milliseconds),
            intervalMilliseconds: Int(pruneInterval.milliseconds)
        )
    }

    /// The workload's settings with these retention periods.
    func logins(storeEvents: Bool = true, publishes: Bool, changelog: Bool = false) -> LoginsSettings {
        LoginsSettings(
            storeEvents: storeEvents,
            eventsRetentionSeconds: retainEvents.seconds,
            countsRetentionSeconds: retainCounts.seconds,
            publishes: publishes,
            changelog: changelog
        )
    }
}

import Engine
import Ops

/// `/healthz` and `/readyz` of `eddy mirror`, from its rounds over the changelog's partitions.
struct MirrorHealth: HealthSource {
    let stats: EngineStats
    /// A round that reads a large history (a partition's first restore) may take minutes: only a
    /// mirror silent for longer than this counts as wedged.
    let stallAfter: Duration = .seconds(600)
    /// Ready while the last round ended within this.
    let staleAfter: Duration = .seconds(120)

    /// Alive while its rounds keep finishing, as an instance's processing loop.
    func liveness() -> HealthReport {
        EngineHealth(stats: stats, stallAfter: stallAfter).liveness()
    }

    func readiness() -> HealthReport {
        if let waiting = EngineHealth(stats: stats, stallAfter: stallAfter).waitingForLock { return HealthReport(ok: false, detail: waiting) }
        guard let since = stats.sinceLastLoop else {
            return HealthReport(ok: false, detail: "catching up: reading every partition of the changelog a first time")
        }
        guard since < staleAfter else {
            return HealthReport(ok: false, detail: "behind: the last round over the changelog ended \(since.components.seconds) s ago")
        }
        return HealthReport(ok: true, detail: "up to date as of \(since.components.seconds) s ago, \(stats.restoredRows) rows applied")
    }
}

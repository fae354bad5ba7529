import Engine
import Ops

/// `/healthz` and `/readyz` answered from the consumer loop's own records.
struct EngineHealth: HealthSource {
    let stats: EngineStats
    /// The loop counts as wedged when it has not gone round for this long.
    let stallAfter: Duration

    func liveness() -> HealthReport {
        // Waiting for another connection's lock is not wedged: restarting would not free it.
        if let waiting = waitingForLock ?? waitingForSpace { return HealthReport(ok: true, detail: waiting) }
        guard let since = stats.sinceLastLoop else { return HealthReport(ok: true, detail: "starting") }
        guard since < stallAfter else {
            return HealthReport(ok: false, detail: "the processing loop has not gone round for \(Self.seconds(since))")
        }
        return HealthReport(ok: true, detail: "the processing loop went round \(Self.seconds(since)) ago")
    }

    func readiness() -> HealthReport {
        if stats.transactionsFailing { return HealthReport(ok: false, detail: "the last transaction failed; see the logs") }
        if let waiting = waitingForLock ?? waitingForSpace { return HealthReport(ok: false, detail: waiting) }
        if stats.sinceLastLoop == nil { return HealthReport(ok: false, detail: "starting: connecting to the broker") }
        if let since = stats.brokerUnreachableSince {
            return HealthReport(
                ok: false, detail: "the broker has not answered for \(Self.seconds(.now - since)): consuming waits, and resumes by itself when it answers"
            )
        }
        let refused = stats.refusedPartitions
        if !refused.isEmpty {
            return HealthReport(
                ok: false,
                detail: "refusing \(refused.joined(separator: ", ")): the stored offset lies past the end of the broker's log; the log names the command that resets it"
            )
        }
        if stats.isRestoring { return HealthReport(ok: false, detail: "restoring partitions from the changelog") }
        if stats.assignedPartitions == 0 { return HealthReport(ok: false, detail: "no partitions assigned") }
        let commit = stats.sinceLastCommit.map { "last commit \(Self.seconds($0)) ago" } ?? "no batch yet"
        return HealthReport(ok: true, detail: "\(stats.assignedPartitions) partitions assigned, \(commit)")
    }

    /// Why not ready while a write waits for another connection's write lock; `nil` when none does.
    var waitingForLock: String? {
        stats.waitingForLockSince.map {
            "waiting \(Self.seconds(.now - $0)) for the database's write lock, held by another connection (an open transaction in sqlite3?)"
        }
    }

    /// Why not ready while a write waits for room (a full disk, or the size limit); `nil` when none does.
    var waitingForSpace: String? {
        stats.diskFullSince.map {
            "the database cannot grow (a full disk, or --max-database-size): writes have waited \(Self.seconds(.now - $0)), retrying every second; free disk space or raise the limit and Eddy resumes by itself"
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value < 10 ? "\((value * 10).rounded() / 10) s" : "\(Int(value)) s"
    }
}

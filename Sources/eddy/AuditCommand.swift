import ArgumentParser
import Declared
import Foundation
import Logins
import Store

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Recompute login_counts (or a workload file's aggregations) from the stored events and compare.",
        discussion: """
            Reads one snapshot of the database, so it runs while `eddy run` does. Compares the minutes both \
            tables hold whole (the oldest minute of stored events is skipped, and the minutes near the \
            --retain-events cutoff: retention may be deleting them), \
            prints every minute and key whose stored count differs from the count of its stored events, and \
            exits 1 when there is one. Needs the stored events (not `--store-events false`).

            With --workload, each aggregation of the file is recomputed from its events table, window by window and \
            measure by measure (an aggregation whose time, group or measure fields the events table does not keep is \
            skipped, and said); the events' retention is the file's, and --retain-events is not used.

            Example:
              eddy audit --db /var/lib/eddy/eddy.db --since 1h
              eddy audit --db /var/lib/eddy/orders.db --workload workloads/orders.yaml
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Check only the minutes of this last span (30m, 6h, 2d); every minute by default.") var since: TimeSpan?

    @Option(
        help: """
            The service's login_events retention: the minutes near its cutoff, which retention may be deleting, \
            are left out. [env: EDDY_RETAIN_EVENTS]
            """
    )
    var retainEvents: RetentionPeriod = Env.retention("EDDY_RETAIN_EVENTS", default: "7d")

    @OptionGroup(title: "Workload") var workload: WorkloadOptions

    /// The first minute to compare: within `--since`, and two minutes inside the events' retention, where
    /// every event of a minute is still stored (retention deletes whole minutes past its cutoff, and a late
    /// event stored in such a minute waits there for its next step).
    private func firstMinute(retaining retain: Int64?) -> Int64? {
        let now = UTCTime.now
        let retained = retain.map { retain in (now - retain) - (now - retain) % 60 + 120 }
        return [since.map { now - $0.seconds }, retained].compactMap { $0 }.max()
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CommandError("there is no database at \(database.db): --db names the file `eddy run` writes")
        }
        if let definition = try workload.definition() { return try audit(definition) }
        let store = try database.openMigrated()
        defer { try? store.close() }
        let report = try store.read { db in try LoginsAudit.run(db, from: firstMinute(retaining: retainEvents.seconds)) }
        guard report.minutes > 0 else {
            throw CommandError("nothing to audit in \(database.db): no minute holds both stored events and counts (is --store-events false?)")
        }
        var table = TextTable(headers: ["MINUTE", "DEVICE", "LOCALE", "VERSION", "STORED", "RECOMPUTED"], rightAligned: [4, 5])
        table.rows = report.differences.map {
            [UTCTime.format($0.windowStart), $0.deviceType, $0.locale, $0.appVersion, "\($0.stored)", "\($0.recomputed)"]
        }
        if !report.differences.isEmpty { print(table.render()) }
        let minutes = Set(report.differences.map(\.windowStart)).count
        let verdict = report.differences.isEmpty ? "login_counts matches the stored events" : "counts that differ: \(report.differences.count), in \(minutes) of them"
        print("\(report.minutes) minutes audited: \(verdict)")
        if !report.differences.isEmpty { throw ExitCode(1) }
    }

    /// Audits each aggregation of the file's workload.
    private func audit(_ definition: WorkloadDefinition) throws {
        let store = try Store(path: database.db)
        defer { try? store.close() }
        let from = firstMinute(retaining: definition.events?.retentionSeconds)
        let (reports, skipped) = try store.read { db in try DeclaredAudit.run(db, definition, from: from) }
        for skip in skipped { print("\(skip.table): not audited: \(skip.reason)") }
        guard reports.contains(where: { $0.windows > 0 }) else {
            throw CommandError("nothing to audit in \(database.db): no window holds both stored events and its aggregation's rows")
        }
        var differing = false
        for report in reports {
            let aggregation = definition.aggregations.first { $0.table == report.table }!
            if !report.differences.isEmpty {
                differing = true
                var table = TextTable(
                    headers: ["WINDOW"] + aggregation.groupBy.map { $0.uppercased() } + ["MEASURE", "STORED", "RECOMPUTED"],
                    rightAligned: [aggregation.groupBy.count + 2, aggregation.groupBy.count + 3]
                )
                table.rows = report.differences.map { [UTCTime.format($0.windowStart)] + $0.groups + [$0.measure, $0.stored, $0.recomputed] }
                print(table.render())
            }
            let windows = Set(report.differences.map(\.windowStart)).count
            let verdict =
                report.differences.isEmpty
                ? "\(report.table) matches the stored events of \(report.events)" : "values that differ: \(report.differences.count), in \(windows) of them"
            print("\(report.windows) windows of \(report.table) audited: \(verdict)")
        }
        if differing { throw ExitCode(1) }
    }
}

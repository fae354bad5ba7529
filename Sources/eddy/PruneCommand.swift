import ArgumentParser
import Declared
import Engine
import Foundation
import Logins
import Store

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Apply the retention policies once and report what was removed.",
        discussion: """
            `eddy run` prunes continuously in small steps; this runs the same steps until nothing expired is \
            left, with the same --retain-* options, and returns the freed space to the file system. With --workload, the \
            file's tables keep what the file says (its `retention`), and --retain-events and --retain-counts are not used.

            Example:
              eddy prune --db /var/lib/eddy/eddy.db --retain-events 3d
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Retention") var retention: RetentionOptions
    @OptionGroup(title: "Workload") var workload: WorkloadOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    func run() throws {
        let definition = try workload.definition()
        let store = try workload.openMigrated(database.db, for: definition).store
        let workloadRules = definition.map { DeclaredWorkload($0).retentionRules } ?? LoginsWorkload(settings: retention.logins(publishes: false)).retentionRules
        let rules = workloadRules + retention.settings.engineRules
        let pruner = Pruner(store: store, rules: rules, settings: retention.settings, now: { Int64(Date().timeIntervalSince1970) })
        let removed = try pruner.pruneAll()
        var table = TextTable(headers: ["TABLE", "RETENTION", "ROWS REMOVED"], rightAligned: [2])
        table.rows = rules.map { rule in
            [rule.name, rule.retainSeconds.map { TimeSpan(milliseconds: $0 * 1_000).description } ?? "off", "\(removed[rule.name] ?? 0)"]
        }
        print(table.render())
        try store.close()
    }
}

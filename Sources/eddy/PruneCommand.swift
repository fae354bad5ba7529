import ArgumentParser
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
            left, with the same --retain-* options, and returns the freed space to the file system.

            Example:
              eddy prune --db /var/lib/eddy/eddy.db --retain-events 3d
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Retention") var retention: RetentionOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    func run() throws {
        let store = try database.openMigrated()
        let rules = LoginsWorkload(settings: retention.logins(publishes: false)).retentionRules + retention.settings.engineRules
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

import ArgumentParser
import Store

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations and print the schema version.",
        discussion: """
            `eddy run` migrates at start too; this lets a deployment do it as a separate step. With --workload, the \
            file's tables are created or changed as `eddy workload check --db` says.

            Example:
              eddy migrate --db /var/lib/eddy/eddy.db
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Workload") var workload: WorkloadOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    func run() throws {
        let opened = try workload.openMigrated(database.db, for: try workload.definition())
        let store = opened.store
        defer { try? store.close() }
        print(opened.migrations.isEmpty ? "nothing to apply" : "applied \(opened.migrations.joined(separator: ", "))")
        for line in opened.tables { print("\(workload.workload): \(line)") }
        print("schema version \(try Migrations.currentVersion(of: store) ?? "none")")
    }
}

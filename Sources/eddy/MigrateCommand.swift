import ArgumentParser
import Logins
import Store

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations and print the schema version.",
        discussion: """
            `eddy run` migrates at start too; this lets a deployment do it as a separate step.

            Example:
              eddy migrate --db /var/lib/eddy/eddy.db
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    func run() throws {
        let store = try Store(path: database.db)
        let applied = try Migrations.apply(to: store, workload: LoginsMigrations.all)
        print(applied.isEmpty ? "nothing to apply" : "applied \(applied.joined(separator: ", "))")
        print("schema version \(try Migrations.currentVersion(of: store) ?? "none")")
    }
}

import ArgumentParser
import Store

/// Which database file to use.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The SQLite database file; created when missing. [env: EDDY_DB]")
    var db: String = Env.string("EDDY_DB", default: "eddy.db")

    /// Opens the database and applies pending migrations: the engine's and the Logins workload's.
    /// - Parameter maxBytes: the largest the file may grow; `nil` for no limit.
    func openMigrated(maxBytes: Int64? = nil) throws -> Store {
        try MigratedStore.builtIn(db, maxBytes: maxBytes).store
    }
}

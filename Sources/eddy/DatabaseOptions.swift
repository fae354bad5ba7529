import ArgumentParser
import Store

/// Which database file to use.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The SQLite database file; created when missing. [env: EDDY_DB]")
    var db: String = Env.string("EDDY_DB", default: "eddy.db")

    /// Opens the database with the engine's tables up to date (`failed_messages`, `consumer_offsets`, ...),
    /// for the commands that use only those: they work on a database of any workload, the built-in one's
    /// or a file's.
    func openEngineTables() throws -> Store {
        try MigratedStore.engineTables(db).store
    }

    /// Opens the database and applies pending migrations: the engine's and the Logins workload's.
    /// - Parameter maxBytes: the largest the file may grow; `nil` for no limit.
    func openMigrated(maxBytes: Int64? = nil) throws -> Store {
        try MigratedStore.builtIn(db, maxBytes: maxBytes).store
    }
}

import GRDB

/// Brings a database's schema up to date: the engine's migrations (its own tables), then the
/// workload's (the tables it brings), each in its own transaction, recorded in GRDB's
/// `grdb_migrations` table.
///
/// Each owner keeps its migrations as `.sql` files in its folder of `migrations/`; the binary carries
/// them (`scripts/embed-migrations`), so it runs from any directory.
public enum Migrations {
    /// The names of the engine's migrations followed by the workload's: every migration that a
    /// database of this binary and workload may record.
    /// - Parameter workload: the workload's migrations, in order.
    public static func names(workload: [Migration]) -> [String] {
        (EngineMigrations.all + workload).map(\.name)
    }

    /// Applies the pending migrations: the engine's first, then the workload's, in order, each in its
    /// own transaction.
    /// - Parameters:
    ///   - store: the database.
    ///   - workload: the workload's migrations, in order (`LoginsMigrations.all`); `[]` creates the
    ///     engine's tables only.
    /// - Returns: the names of the migrations this call applied, in the order they ran.
    /// - Throws: `StoreError` when a migration fails (it is rolled back; those before it stay), when a
    ///   workload migration has the name of another one, or when the database records a migration that
    ///   is neither the engine's nor the workload's (a newer eddy, or another workload, wrote it), nor one
    ///   of `alsoKnown`.
    ///   - alsoKnown: migrations the database may record although this call does not run them: the
    ///     built-in workload's, whose tables a workload file that declares them takes as they are.
    @discardableResult
    public static func apply(to store: Store, workload: [Migration], alsoKnown: [Migration] = []) throws(StoreError) -> [String] {
        let names = Self.names(workload: workload)
        let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        guard repeated.isEmpty else {
            throw StoreError(
                "more than one migration is named \(repeated.joined(separator: ", ")): give the workload's new "
                    + "migration file the next free number and run `make migrations`"
            )
        }
        var migrator = DatabaseMigrator()
        for migration in EngineMigrations.all + workload {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        do {
            let applied = try store.pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.subtracting(names).subtracting(alsoKnown.map(\.name))
            guard unknown.isEmpty else {
                throw StoreError(
                    "the database \(store.path) has migrations this eddy does not know (\(unknown.sorted().joined(separator: ", "))): "
                        + "a newer version or another workload wrote it; run that one or restore a backup"
                )
            }
            try migrator.migrate(store.pool)
            return names.filter { !applied.contains($0) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("migrating \(store.path) failed: \(Store.describe(error))")
        }
    }

    /// The schema version: the highest migration name the database records (the numbers form one
    /// sequence across the engine's and the workloads' folders), or `nil` for an empty database.
    public static func currentVersion(of store: Store) throws -> String? {
        try store.read { db in
            guard try db.tableExists("grdb_migrations") else { return nil }
            return try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier DESC LIMIT 1")
        }
    }
}

import GRDB

/// The schema migrations in `migrations/*.sql`, embedded in the binary and applied in order, each
/// in its own transaction, recorded in GRDB's `grdb_migrations` table.
public enum Migrations {
    /// The names of the embedded migrations, in order.
    public static var names: [String] { embedded.map(\.name) }

    /// Applies pending migrations.
    /// - Returns: the migrations applied by this call.
    /// - Throws: `StoreError` when a migration fails or the database is newer than this binary.
    @discardableResult
    public static func apply(to store: Store) throws(StoreError) -> [String] {
        var migrator = DatabaseMigrator()
        for migration in embedded {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        do {
            let applied = try store.pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.subtracting(names)
            guard unknown.isEmpty else {
                throw StoreError(
                    "the database \(store.path) has migrations this eddy does not know (\(unknown.sorted().joined(separator: ", "))): "
                        + "it was written by a newer version; run that version or restore a backup"
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

    /// The last applied migration, or `nil` for an empty database.
    public static func currentVersion(of store: Store) throws -> String? {
        try store.read { db in
            guard try db.tableExists("grdb_migrations") else { return nil }
            return try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier DESC LIMIT 1")
        }
    }
}

/// One schema migration: a `.sql` file from its owner's folder (`migrations/engine/`,
/// `migrations/logins/`, ...), embedded in the binary by `scripts/embed-migrations`.
public struct Migration: Sendable, Equatable {
    /// The file name without `.sql`, such as `0002_logins`. Every database that applied the migration
    /// records it in `grdb_migrations`, so it never changes once released.
    public let name: String
    /// The SQL it runs, in one transaction.
    public let sql: String

    /// - Parameters:
    ///   - name: the file name without `.sql`; unique across the engine's and the workload's migrations.
    ///   - sql: the statements to run.
    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

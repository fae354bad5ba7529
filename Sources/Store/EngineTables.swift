import GRDB

/// The names of the tables and views the engine's migrations create: a workload's own tables must
/// not take one of them.
public enum EngineTables {
    /// Read from a scratch in-memory database the engine's migrations are run on, so it can never
    /// drift from them.
    public static let names: Set<String> = {
        do {
            let scratch = try DatabaseQueue()
            return try scratch.write { db in
                for migration in EngineMigrations.all { try db.execute(sql: migration.sql) }
                return Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
            }
        } catch {
            preconditionFailure("the engine's migrations fail on an empty database: \(error)")
        }
    }()
}

import Declared
import Foundation
import GRDB
import Logins
import Store

/// A database opened with its tables brought up to date for a workload: the engine's migrations, then
/// the built-in workload's, or the tables a workload file declares (``DeclaredMigrationPlan``).
struct MigratedStore {
    var store: Store
    /// The numbered migrations applied.
    var migrations: [String]
    /// What was done to the declared tables, a line each; empty for the built-in workload.
    var tables: [String] = []

    /// The built-in user-login workload's database.
    /// - Throws: `CommandError` when a workload file made tables of the built-in workload's names.
    static func builtIn(_ path: String, maxBytes: Int64? = nil) throws -> MigratedStore {
        let store = try Store(path: path, maxBytes: maxBytes)
        do {
            return MigratedStore(store: store, migrations: try Migrations.apply(to: store, workload: LoginsMigrations.all))
        } catch {
            let declared = try? store.read { db in
                try db.tableExists(DeclaredMigrationPlan.recordTable)
                    ? String.fetchAll(db, sql: "SELECT name FROM \(DeclaredMigrationPlan.recordTable) ORDER BY name") : []
            }
            try? store.close()
            guard let declared, !declared.isEmpty else { throw error }
            throw CommandError(
                "\(path) was made by a workload file (its tables \(declared.joined(separator: ", ")) are recorded in "
                    + "\(DeclaredMigrationPlan.recordTable)), so the built-in workload cannot take it: give the file with --workload "
                    + "(EDDY_WORKLOAD), as `eddy run` had it (\(error))")
        }
    }

    /// A workload file's database. One first written by the built-in workload keeps its tables, which a
    /// file that declares them (workloads/user-login.yaml) takes as they are.
    /// - Throws: `CommandError` when the file declares a change its tables cannot take in place.
    static func declared(_ path: String, _ definition: WorkloadDefinition, file: String, maxBytes: Int64? = nil) throws -> MigratedStore {
        var opened = try engineTables(path, maxBytes: maxBytes)
        do {
            opened.tables = try DeclaredMigrationPlan.migrate(DeclaredSchema(definition), in: opened.store, now: Int64(Date().timeIntervalSince1970))
            return opened
        } catch {
            try? opened.store.close()
            if let error = error as? DeclaredChangeError { throw CommandError("\(file): \(error)") }
            throw error
        }
    }

    /// The engine's tables only (`failed_messages`, `consumer_offsets`, ...), for a database of any workload:
    /// the built-in workload's migrations may be recorded, and are not run.
    static func engineTables(_ path: String, maxBytes: Int64? = nil) throws -> MigratedStore {
        let store = try Store(path: path, maxBytes: maxBytes)
        do {
            return MigratedStore(store: store, migrations: try Migrations.apply(to: store, workload: [], alsoKnown: LoginsMigrations.all))
        } catch {
            try? store.close()
            throw error
        }
    }
}

import Foundation
import GRDB

/// A consistent copy of a live database, made with SQLite's online backup API while Eddy writes to it,
/// and the check of such a copy before it is trusted.
public enum DatabaseBackup {
    /// How far a copy is, in pages of the database.
    public struct Progress: Sendable {
        public var copiedPages: Int
        public var totalPages: Int
    }

    /// What ``check(_:)`` found in an intact copy.
    public struct Summary: Sendable {
        public var bytes: Int64
        /// The partitions with a stored next offset: where an instance started on the copy resumes.
        public var partitions: Int
        /// The last migration applied, `nil` when the file has none (not an Eddy database).
        public var lastMigration: String?
    }

    /// The pages copied per step, between two progress reports: 16 MB of 4 KB pages.
    static let pagesPerStep: CInt = 4096

    /// Copies the database of `store`, as it was when the copy started, to a new file at `destination`.
    /// The copy reads one snapshot, so writers go on meanwhile (their later changes are not in it); it is
    /// written to `destination.partial` and renamed once whole, so `destination` is never half a copy, and
    /// it is a single file in rollback-journal mode, which opens anywhere (Eddy puts it back in WAL mode).
    /// - Throws: `StoreError` when `destination` exists or cannot be written.
    public static func copy(_ store: Store, to destination: String, progress: (Progress) -> Void) throws(StoreError) {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError("\(destination) exists already: a backup never overwrites a file; remove it or choose another --to")
        }
        let partial = destination + ".partial"
        for leftover in [partial, partial + "-journal", partial + "-wal", partial + "-shm"] {
            try? FileManager.default.removeItem(atPath: leftover)
        }
        do {
            let copy = try DatabaseQueue(path: partial)
            try withoutActuallyEscaping(progress) { progress in
                try store.pool.backup(to: copy, pagesPerStep: pagesPerStep) { step in
                    progress(Progress(copiedPages: step.completedPageCount, totalPages: step.totalPageCount))
                }
            }
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch let error as DatabaseError {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError("the backup to \(destination) failed: \(Store.describe(error))")
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError("the backup to \(destination) failed: \(error.localizedDescription)")
        }
    }

    /// Reads every page, row and index of the file at `path` (`PRAGMA integrity_check`) through a
    /// read-only connection, and what an instance started on it would resume from.
    /// - Throws: `StoreError` naming the problems found, or why the file cannot be read.
    public static func check(_ path: String) throws(StoreError) -> Summary {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError("there is no file at \(path)") }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(10)") }
            guard problems == ["ok"] else { throw StoreError("\(path) is damaged: integrity_check: \(problems.joined(separator: "; "))") }
            return try queue.read { db in
                let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                let lastMigration = tables.contains("grdb_migrations") ? try String.fetchOne(db, sql: "SELECT MAX(identifier) FROM grdb_migrations") : nil
                let partitions = tables.contains("consumer_offsets") ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_offsets") ?? 0 : 0
                return Summary(bytes: Store.fileSize(path), partitions: partitions, lastMigration: lastMigration)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            throw StoreError("\(path) is damaged: \(error.message ?? "\(error.resultCode)")")
        } catch {
            throw StoreError("\(path) cannot be read: \(Store.describe(error))")
        }
    }
}

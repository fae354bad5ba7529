import CSQLiteConfig
import Foundation
import GRDB
import Logging

/// The SQLite file that holds Eddy's state: WAL mode, one writer, readers (including the `sqlite3`
/// shell) that never block it.
///
/// Durability: `synchronous=NORMAL` in WAL mode survives any crash of the process (`kill -9`); a power
/// loss may roll back the last transactions, and because state and offsets share each transaction the
/// rolled-back messages are simply consumed again.
public final class Store: Sendable {
    /// The database file's path as given.
    public let path: String
    let pool: DatabasePool
    /// Writes waiting for another connection's write lock.
    public let lockWait = WriteWait()
    /// Writes waiting for space on a full disk.
    public let fullDisk = WriteWait()

    /// Opens (creating when missing, with owner-only permissions) the database at `path`.
    /// - Parameter maxBytes: the largest the file may grow (`PRAGMA max_page_count`): past it a write
    ///   fails as on a full disk (``fullDisk``); `nil` for no limit.
    /// - Throws: `StoreError` saying why the file cannot be used.
    public init(path: String, maxBytes: Int64? = nil) throws(StoreError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .cannotOpen(path, "the directory \(directory) does not exist; create it or choose another --db")
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw .cannotOpen(path, "the directory \(directory) is not writable; choose another --db")
            }
        }
        _ = Self.processSetup
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Debian builds SQLite with SECURE_DELETE, which zeroes every deleted or moved cell: extra
            // writes for retention and outbox updates that protect nothing here.
            try db.execute(sql: "PRAGMA secure_delete = OFF")
            // After a checkpoint, the WAL file is truncated back to this size, so it cannot stay large.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            if let maxBytes {
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(max(1, maxBytes / pageSize))")
            }
        }
        do {
            try Self.enableIncrementalVacuum(path, configuration)
            pool = try DatabasePool(path: path, configuration: configuration)
            // The writer gets 8 MB of page cache (SQLite's default is 2 MB), so a batch's pages stay in
            // memory until its commit instead of spilling to the WAL mid-transaction; 32 MB measured no
            // faster and costs 25 MB of RSS. Readers keep the default.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -8192") }
        } catch {
            throw .cannotOpen(path, Self.describe(error))
        }
    }

    /// Process-wide SQLite settings, made before the first connection opens: without memory statistics,
    /// the writer and the readers no longer take one global mutex around each allocation (+5 to 10 %
    /// events/s measured with `login_events` on).
    private static let processSetup: Void = { _ = eddy_sqlite3_disable_memory_statistics() }()

    /// A new, empty database gets `auto_vacuum = INCREMENTAL` (it can only be chosen before the first
    /// table), so that retention can hand freed pages back to the file system in small steps.
    /// - Parameter configuration: the pool's: a reader (the sqlite3 shell, a probe) may hold the new file
    ///   for a moment, and this connection waits for it as the pool does rather than fail to start with
    ///   "database is locked".
    private static func enableIncrementalVacuum(_ path: String, _ configuration: Configuration) throws {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0 {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            }
        }
        try queue.close()
    }

    /// Runs `updates` in one IMMEDIATE transaction: all of it commits, or none of it. While another
    /// connection holds the write lock (an operator's open transaction in `sqlite3`), it waits: for as
    /// long as it takes once ``lockWait`` is observed (the running service), else for SQLite's busy
    /// timeout (10 s; a one-off command then fails). `BEGIN IMMEDIATE` is refused before `updates` runs.
    /// - Throws: `StoreError` when the transaction fails (it is rolled back), or what `updates` threw.
    public func write<T>(_ updates: (Database) throws -> T) throws -> T {
        var waitingForLock = false
        var waitingForSpace = false
        defer {
            if waitingForLock { lockWait.end() }
            if waitingForSpace { fullDisk.end() }
        }
        while true {
            do {
                return try pool.write(updates)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && lockWait.waitsHere {
                // SQLite's busy timeout has waited already; wait on.
                if !waitingForLock {
                    waitingForLock = true
                    lockWait.begin()
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL && fullDisk.waitsHere {
                // The transaction was rolled back whole; try it again once space may have come back.
                if !waitingForSpace {
                    waitingForSpace = true
                    fullDisk.begin()
                }
                Thread.sleep(forTimeInterval: 1)
                fullDisk.runRelief()
            } catch let error as DatabaseError {
                throw StoreError("writing to \(path) failed: \(Self.describe(error))")
            }
        }
    }

    /// Runs `updates` outside of a transaction (pragmas, checkpoints).
    public func writeWithoutTransaction<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction(updates)
        } catch let error as DatabaseError {
            throw StoreError("writing to \(path) failed: \(Self.describe(error))")
        }
    }

    /// Runs `value` on a read-only snapshot.
    public func read<T>(_ value: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(value)
        } catch let error as DatabaseError {
            throw StoreError("reading \(path) failed: \(Self.describe(error))")
        }
    }

    /// Checkpoints the WAL and closes every connection.
    public func close() throws {
        try? pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }

    /// The sizes of the database file and its WAL, in bytes.
    public func fileSizes() -> (database: Int64, wal: Int64) {
        (Self.fileSize(path), Self.fileSize(path + "-wal"))
    }

    /// The size of the file at `path` in bytes; 0 when there is none.
    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The file is damaged: what to do, with what was found when known.
    static func damaged(_ found: String?) -> String {
        "the file is not an Eddy database or is damaged\(found.map { " (\($0))" } ?? ""); it was left as it is. Restore a backup "
            + "(docs/operations.md#backups), or move it away and start on a new file: with the changelog on, "
            + "the partitions' state is restored from it"
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        switch error.resultCode {
        case .SQLITE_FULL: return "the disk is full, or the database reached --max-database-size"
        case .SQLITE_BUSY: return "another connection holds the write lock (an open transaction in sqlite3?); end it and try again"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return "permission denied or read-only file (\(error.message ?? ""))"
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return damaged(nil)
        default: return error.message ?? "\(error)"
        }
    }
}

import GRDB
import Primitives

/// Copies the WAL back into the database file from its own connection and thread, so that the
/// writer's commits do not: SQLite otherwise runs that checkpoint inside the commit that crosses
/// `wal_autocheckpoint`, and the batch waits for its reads, writes and fsync.
///
/// While it runs, the writer's own automatic checkpoint only starts past ``backstopPages`` (in case
/// this thread falls behind); SQLite's default comes back when it stops.
public struct BackgroundCheckpointer: Sendable {
    /// WAL pages past which the writer checkpoints by itself.
    public static let backstopPages = 16_384

    private let thread: WorkerThread<Void>

    /// Opens the checkpoint connection, starts the thread, runs `body` with a checkpointer, then runs
    /// a last checkpoint, stops the thread and gives the writer its automatic checkpoints back, also
    /// when `body` throws.
    /// - Parameter interval: the shortest time between two checkpoints; pages written meanwhile are
    ///   copied once, however many commits changed them. Short, because the first commit after a
    ///   complete checkpoint starts the WAL over and syncs it, flushing what was written since
    ///   (docs/performance.md: 50 ms keeps that sync small).
    /// - Throws: `StoreError` when the connection cannot be opened or the writer not configured, or
    ///   what `body` throws.
    public static func run<R>(store: Store, interval: Duration = .milliseconds(50), _ body: (BackgroundCheckpointer) throws -> R) throws -> R {
        let connection: DatabaseQueue
        do {
            connection = try DatabaseQueue(path: store.path)
        } catch {
            throw StoreError.cannotOpen(store.path, Store.describe(error))
        }
        defer { try? connection.close() }
        try store.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(backstopPages)") }
        defer { try? store.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") } }
        return try WorkerThread.run(named: "eddy-checkpoint", minimumInterval: interval, handle: { checkpoint(connection) }) { thread in
            defer { thread.request(()) }
            return try body(BackgroundCheckpointer(thread: thread))
        }
    }

    /// Asks for a checkpoint soon: call it after a commit.
    @Sendable public func request() {
        thread.request(())
    }

    /// PASSIVE neither waits for nor blocks the writer and the readers; what it cannot copy now is
    /// copied the next time.
    private static func checkpoint(_ connection: DatabaseQueue) {
        _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }
}

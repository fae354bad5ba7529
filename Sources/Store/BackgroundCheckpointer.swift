import Foundation
import GRDB

/// Copies the WAL back into the database file from its own connection and thread, so that the
/// writer's commits do not: SQLite otherwise runs that checkpoint inside the commit that crosses
/// `wal_autocheckpoint`, and the batch waits for its reads, writes and fsync.
///
/// While it runs, the writer's own automatic checkpoint only starts past ``backstopPages`` (in case
/// this thread falls behind); ``stop()`` restores SQLite's default.
///
/// `@unchecked Sendable`: its mutable state (`requested`, `stopped`) is only touched under `condition`.
public final class BackgroundCheckpointer: @unchecked Sendable {
    /// WAL pages past which the writer checkpoints by itself.
    public static let backstopPages = 16_384

    private let store: Store
    private let connection: DatabaseQueue
    private let interval: Duration
    private let condition = NSCondition()
    private var requested = false
    private var stopped = false
    private var finished = false

    /// Opens the checkpoint connection and starts the thread.
    /// - Parameter interval: the shortest time between two checkpoints; pages written meanwhile are
    ///   copied once, however many commits changed them. Short, because the first commit after a
    ///   complete checkpoint starts the WAL over and syncs it, flushing what was written since: with
    ///   250 ms that sync put p99 commit near 60 ms, with 1 s near 100 ms, with 50 ms near 32 ms.
    /// - Throws: `StoreError` when the connection cannot be opened or the writer not configured.
    public init(store: Store, interval: Duration = .milliseconds(50)) throws {
        self.store = store
        self.interval = interval
        do {
            connection = try DatabaseQueue(path: store.path)
        } catch {
            throw StoreError.cannotOpen(store.path, Store.describe(error))
        }
        try store.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.backstopPages)") }
        let thread = Thread { [self] in
            Thread.current.name = "eddy-checkpoint"
            run()
        }
        thread.start()
    }

    /// Asks for a checkpoint soon: call it after a commit.
    public func request() {
        condition.withLock {
            requested = true
            condition.signal()
        }
    }

    /// Runs a last checkpoint, stops the thread and gives the writer its automatic checkpoints back.
    public func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
            while !finished { condition.wait() }
        }
        try? store.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
        try? connection.close()
    }

    private func run() {
        while true {
            let stopping = condition.withLock {
                while !requested && !stopped { condition.wait() }
                requested = false
                return stopped
            }
            let started = ContinuousClock.now
            // PASSIVE neither waits for nor blocks the writer and the readers; what it cannot copy now
            // is copied the next time.
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            if stopping { break }
            Thread.sleep(forTimeInterval: max(0, (interval - (ContinuousClock.now - started)) / .seconds(1)))
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }
}

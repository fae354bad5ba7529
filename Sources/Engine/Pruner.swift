import GRDB
import Logging
import Store

/// Applies retention in bounded steps: each transaction deletes at most `rowsPerStep` rows, and a
/// step stops when its time budget is spent, so the write lock is never held for long and consumption
/// goes on between steps. Freed pages go back to the file system (incremental vacuum) and the WAL is
/// checkpointed after each step that removed rows.
public final class Pruner {
    private let store: Store
    private let rules: [RetentionRule]
    private let settings: RetentionSettings
    private let now: @Sendable () -> Int64

    /// - Parameter rules: every table's rule; those with `retainSeconds == nil` are skipped.
    public init(store: Store, rules: [RetentionRule], settings: RetentionSettings, now: @escaping @Sendable () -> Int64) {
        self.store = store
        self.rules = rules.filter { $0.retainSeconds != nil }
        self.settings = settings
        self.now = now
    }

    /// One bounded step over every rule.
    /// - Returns: rows removed per rule name (rules that removed none are left out), and whether expired
    ///   rows may remain (the step ran out of budget or filled its transactions).
    public func step() throws -> (removed: [String: Int], more: Bool) {
        let started = ContinuousClock.now
        let budget = Duration.milliseconds(settings.stepBudgetMilliseconds)
        let timestamp = now()
        var removed: [String: Int] = [:]
        var more = false
        for rule in rules {
            guard let retain = rule.retainSeconds else { continue }
            while true {
                let deleted = try store.write { db in try rule.deleteExpired(db, timestamp - retain, settings.rowsPerStep) }
                if deleted > 0 { removed[rule.name, default: 0] += deleted }
                if deleted < settings.rowsPerStep { break }
                if ContinuousClock.now - started >= budget {
                    more = true
                    break
                }
            }
            if more { break }
        }
        let freePagesLeft = try reclaim(afterRemoving: !removed.isEmpty)
        return (removed, more || freePagesLeft)
    }

    /// Runs steps until nothing expired is left.
    /// - Returns: rows removed per rule name.
    public func pruneAll() throws -> [String: Int] {
        var total: [String: Int] = [:]
        while true {
            let (removed, more) = try step()
            total.merge(removed, uniquingKeysWith: +)
            if !more { return total }
        }
    }

    /// Hands up to 2 MB of free pages back to the file system, and checkpoints the WAL without waiting
    /// for readers when rows were removed.
    /// - Returns: whether free pages are left for the next step.
    private func reclaim(afterRemoving: Bool) throws -> Bool {
        try store.writeWithoutTransaction { db in
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            if free > 0 { try db.execute(sql: "PRAGMA incremental_vacuum(\(Self.pagesPerStep))") }
            if afterRemoving || free > 0 {
                do {
                    _ = try db.checkpoint(.passive)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    // Another connection (the background checkpointer) is checkpointing: it copies these pages.
                }
            }
            return free > Self.pagesPerStep
        }
    }

    /// Pages one step hands back to the file system (2 MB with 4 KB pages).
    private static let pagesPerStep = 512
}

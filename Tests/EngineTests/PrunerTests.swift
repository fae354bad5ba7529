import Foundation
import GRDB
import Store
import Testing

@testable import Engine

/// Retention with an injected clock: rows older than each policy go, newer ones and unpruned kinds stay.
@Suite struct PrunerTests {
    let directory = NSTemporaryDirectory() + "eddy-pruner-" + UUID().uuidString
    let store: Store

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try Store(path: directory + "/eddy.db")
        try Migrations.apply(to: store, workload: [])
    }

    private func failed(offset: Int64, status: String, at time: Int64) throws {
        let message = FailedMessage(topic: "t", partition: 0, offset: offset, key: nil, payload: [1], errorClass: "invalid", error: "e")
        try store.write { db in
            try FailedMessages.insert(db, message, nextAttemptAt: nil, now: time)
            try db.execute(sql: "UPDATE failed_messages SET status = ? WHERE offset = ?", arguments: [status, offset])
        }
    }

    /// An output record written at `createdAt`, acknowledged (the watermark passed it) when `sent`.
    private func outbox(createdAt: Int64, sent: Bool) throws {
        try store.write { db in
            try Outbox.append(db, OutboxRecord(sourceTopic: "t", sourcePartition: 0, sourceOffset: 0, key: nil, value: [1]), now: createdAt)
            if sent { try Outbox.markSent(db, channel: .output, through: db.lastInsertedRowID) }
        }
    }

    @Test func eachPolicyRemovesOnlyItsExpiredRows() throws {
        try failed(offset: 1, status: "resolved", at: 100)
        try failed(offset: 2, status: "resolved", at: 900)
        try failed(offset: 3, status: "dead", at: 100)
        try outbox(createdAt: 100, sent: true)
        try outbox(createdAt: 990, sent: true)
        try outbox(createdAt: 100, sent: false)
        let settings = RetentionSettings(resolvedFailuresSeconds: 500, deadFailuresSeconds: nil, sentOutboxSeconds: 50)
        let pruner = Pruner(store: store, rules: settings.engineRules, settings: settings, now: { 1_000 })

        let (removed, more) = try pruner.step()
        #expect(removed == ["failed_messages (resolved)": 1, "outbox (sent)": 1])
        #expect(!more)
        let (failedLeft, sentLeft, unsentLeft) = try store.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT offset FROM failed_messages ORDER BY offset"),
                try Int64.fetchAll(db, sql: "SELECT created_at FROM outbox ORDER BY id"),
                try Outbox.pendingCount(db)
            )
        }
        #expect(failedLeft == [2, 3], "the new resolved row and the dead row (kept: retention off) stay")
        #expect(sentLeft == [990, 100], "the recent sent row and the old unsent row stay")
        #expect(unsentLeft == 1)
        #expect(try pruner.step().removed.isEmpty)
    }

    @Test func stepsAreBoundedByRowsAndTime() throws {
        try store.write { db in
            try db.execute(sql: "CREATE TABLE samples (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)")
            try db.execute(sql: "CREATE INDEX samples_at ON samples (at)")
            try db.execute(sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO samples (at) SELECT i % 100 FROM n")
            try db.execute(sql: "INSERT INTO samples (at) VALUES (5000), (6000)")
        }
        let rule = RetentionRule(name: "samples", table: "samples", timeColumn: "at", keyColumns: ["id"], retainSeconds: 1_000)
        let settings = RetentionSettings(rowsPerStep: 1_000, stepBudgetMilliseconds: 0)
        let pruner = Pruner(store: store, rules: [rule], settings: settings, now: { 5_500 })
        let first = try pruner.step()
        #expect(first.removed == ["samples": 1_000], "one transaction of at most rowsPerStep, then the budget is spent")
        #expect(first.more)
        #expect(try pruner.pruneAll() == ["samples": 9_000])
        #expect(try store.read { try Int64.fetchAll($0, sql: "SELECT at FROM samples ORDER BY at") } == [5_000, 6_000])
    }

    @Test func freedPagesGoBackToTheFileSystem() throws {
        #expect(try store.read { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") } == 2, "incremental")
        try store.write { db in
            try db.execute(sql: "CREATE TABLE blobs (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, data BLOB)")
            try db.execute(sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO blobs (at, data) SELECT 0, zeroblob(4000) FROM n")
        }
        let pages = { try self.store.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 } }
        let before = try pages()
        let rule = RetentionRule(name: "blobs", table: "blobs", timeColumn: "at", keyColumns: ["id"], retainSeconds: 1)
        let settings = RetentionSettings(rowsPerStep: 5_000)
        _ = try Pruner(store: store, rules: [rule], settings: settings, now: { 100 }).pruneAll()
        #expect(try pages() < before / 2)
    }
}

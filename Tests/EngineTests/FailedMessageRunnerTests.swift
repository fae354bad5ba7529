import Foundation
import GRDB
import Logging
import Store
import Synchronization
import Testing

@testable import Engine

/// The retry and reprocess lifecycle on a real database, with an injected clock: no sleeps.
@Suite struct FailedMessageRunnerTests {
    final class Clock: Sendable {
        let seconds = Atomic<Int64>(1_000)
        func set(_ value: Int64) { seconds.store(value, ordering: .relaxed) }
    }

    let directory = NSTemporaryDirectory() + "eddy-runner-" + UUID().uuidString
    let clock = Clock()
    let rules = RuleWorkload.Rules()
    let store: Store
    let runner: FailedMessageRunner<RuleWorkload>

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try Store(path: directory + "/eddy.db")
        try Migrations.apply(to: store, workload: RuleWorkload.migrations)
        let clock = clock
        runner = FailedMessageRunner(
            store: store,
            workload: RuleWorkload(rules: rules),
            policy: RetryPolicy(maxAttempts: 4, initialBackoffSeconds: 10, maxBackoffSeconds: 25, jitter: 0.2),
            stats: EngineStats(),
            logger: Logger(label: "test"),
            now: { clock.seconds.load(ordering: .relaxed) },
            unit: { 0.5 },
            batchLimit: 100
        )
    }

    private func insert(offset: Int64, payload: String, nextAttemptAt: Int64?) throws {
        let message = FailedMessage(
            topic: "t", partition: 0, offset: offset, key: nil, payload: Array(payload.utf8),
            errorClass: nextAttemptAt == nil ? "invalid" : "unavailable", error: "first failure"
        )
        try store.write { db in try FailedMessages.insert(db, message, nextAttemptAt: nextAttemptAt, now: 1_000) }
    }

    private func row(_ offset: Int64) throws -> StoredFailure {
        try #require(try store.read { db in try FailedMessages.list(db, FailureFilter(), limit: 1_000) }.first { $0.offset == offset })
    }

    private func applied() throws -> [Int64] {
        try store.read { db in
            try db.tableExists("applied") ? try Int64.fetchAll(db, sql: "SELECT offset FROM applied ORDER BY offset") : []
        }
    }

    @Test func transientFailuresFollowTheBackoffScheduleThenDie() throws {
        try insert(offset: 1, payload: "later", nextAttemptAt: 1_010)
        clock.set(1_009)
        #expect(try runner.runDue() == 0, "not due yet")
        var schedule: [Int64?] = []
        var statuses: [FailureStatus] = []
        for _ in 0..<3 {
            let due = try row(1).nextAttemptAt!
            clock.set(due)
            #expect(try runner.runDue() == 1)
            schedule.append(try row(1).nextAttemptAt)
            statuses.append(try row(1).status)
        }
        // Attempt 2 at 1010 waits 20 s; attempt 3 at 1030 waits 25 s (the cap); attempt 4 is the last.
        #expect(schedule == [1_030, 1_055, nil])
        #expect(statuses == [.retrying, .retrying, .dead])
        #expect(try row(1).attempts == 4)
        #expect(try row(1).lastAttemptAt == 1_055)
        #expect(try applied().isEmpty)
        clock.set(10_000)
        #expect(try runner.runDue() == 0, "a dead row is not retried without a flag")
    }

    @Test func aRetryThatSucceedsIsAppliedAndResolvedOnce() throws {
        try insert(offset: 1, payload: "later", nextAttemptAt: 1_010)
        rules.dependencyUp.store(true, ordering: .relaxed)
        clock.set(1_010)
        #expect(try runner.runDue() == 1)
        #expect(try row(1).status == .resolved)
        #expect(try row(1).attempts == 2)
        #expect(try applied() == [1])
        clock.set(5_000)
        #expect(try runner.runDue() == 0)
        #expect(try applied() == [1])
    }

    @Test func flaggedRowsRunInOffsetOrderUnderTheNewRule() throws {
        for offset in [30, 10, 20] as [Int64] { try insert(offset: offset, payload: "bad \(offset)", nextAttemptAt: nil) }
        try insert(offset: 40, payload: "bad 40", nextAttemptAt: nil)
        #expect(try runner.runDue() == 0, "dead rows wait for a flag")

        // The rule is fixed; an operator flags three rows with plain SQL.
        rules.acceptEverything.store(true, ordering: .relaxed)
        try store.write { db in try db.execute(sql: "UPDATE failed_messages SET reprocess = 1 WHERE offset < 40") }
        #expect(try runner.runDue() == 3)
        #expect(rules.stagedOffsets.withLock { $0 } == [10, 20, 30])
        #expect(try applied() == [10, 20, 30])
        #expect(try [10, 20, 30].map { try row($0).status } == [.resolved, .resolved, .resolved])
        #expect(try row(40).status == .dead)
        #expect(try runner.runDue() == 0)
        #expect(try applied() == [10, 20, 30])
    }

    @Test func aFlaggedRowThatFailsAgainStaysDeadWithTheNewError() throws {
        try insert(offset: 7, payload: "still bad", nextAttemptAt: nil)
        _ = try store.write { db in try FailedMessages.flag(db, FailureFilter(ids: [try row(7).id])) }
        clock.set(2_000)
        #expect(try runner.runDue() == 1)
        let after = try row(7)
        #expect(after.status == .dead)
        #expect(after.attempts == 2)
        #expect(after.reprocess == false)
        #expect(after.error == "payload does not start with ok")
        #expect(after.lastAttemptAt == 2_000)
    }

    @Test func aFailedTransactionKeepsNothing() throws {
        try insert(offset: 5, payload: "bad", nextAttemptAt: nil)
        rules.acceptEverything.store(true, ordering: .relaxed)
        rules.failApply.store(true, ordering: .relaxed)
        _ = try store.write { db in try FailedMessages.flag(db, FailureFilter(status: .dead)) }
        #expect(throws: EngineError.self) { try runner.runDue() }
        let unchanged = try row(5)
        #expect(unchanged.status == .dead && unchanged.reprocess && unchanged.attempts == 1)
        rules.failApply.store(false, ordering: .relaxed)
        #expect(try runner.runDue() == 1)
        #expect(try applied() == [5])
    }
}

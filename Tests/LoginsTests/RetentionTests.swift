import Engine
import Foundation
import GRDB
import Store
import Testing

@testable import Logins

/// The login tables' retention by event time, and late events.
@Suite struct RetentionTests {
    private func message(_ json: String, _ body: (IncomingMessage) -> WorkloadFailure?) -> WorkloadFailure? {
        Array(json.utf8).withUnsafeBytes { body(IncomingMessage(topic: "t", partition: 0, offset: 1, key: nil, value: $0)) }
    }

    @Test func anEventOlderThanTheCountsRetentionIsLateAndPassesOnceThePolicyChanges() {
        let strict = LoginsWorkload(settings: LoginsSettings(countsRetentionSeconds: 3_600), now: { 100_000 })
        let late = message(#"{"user_id":"u","timestamp":96000}"#) { var batch = strict.makeBatch(capacity: 1); return strict.stage($0, into: &batch) }
        #expect(late?.errorClass == "late")
        #expect(late?.isTransient == false)
        #expect(message(#"{"user_id":"u","timestamp":96500}"#) { var batch = strict.makeBatch(capacity: 1); return strict.stage($0, into: &batch) } == nil, "its window is still kept")
        let relaxed = LoginsWorkload(settings: LoginsSettings(countsRetentionSeconds: nil), now: { 100_000 })
        #expect(message(#"{"user_id":"u","timestamp":96000}"#) { var batch = relaxed.makeBatch(capacity: 1); return relaxed.stage($0, into: &batch) } == nil)
    }

    @Test func eventsAndCountsArePrunedByEventTime() throws {
        let (store, removeStore) = try makeLoginsStore()
        defer { removeStore() }
        let now: Int64 = 100 * 86_400
        let workload = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: 7 * 86_400, countsRetentionSeconds: 90 * 86_400), now: { now })
        var batch = workload.makeBatch(capacity: 6)
        var offset: Int64 = 0
        for age in [1, 6, 8, 30, 89, 91] as [Int64] {
            offset += 1
            let json = #"{"user_id":"u","timestamp":\#(now - age * 86_400)}"#
            _ = Array(json.utf8).withUnsafeBytes {
                workload.stage(IncomingMessage(topic: "t", partition: 0, offset: offset, key: nil, value: $0), into: &batch)
            }
        }
        try store.write { db in try workload.apply(batch, to: db, now: now, changes: nil) }
        let pruner = Pruner(store: store, rules: workload.retentionRules, settings: RetentionSettings(), now: { now })
        let removed = try pruner.pruneAll()
        #expect(removed == ["login_events": 3])
        let (eventAges, windows) = try store.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT (? - event_time) / 86400 FROM login_events ORDER BY event_time DESC", arguments: [now]),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_counts") ?? 0
            )
        }
        #expect(eventAges == [1, 6], "events older than 7 days are gone")
        #expect(windows == 5, "the 91-day-old event was late and never counted; 89 days is kept")
    }

    /// Events go a whole minute at a time, through `login_event_minutes`, however their times interleave
    /// in the partitions; an event of the minute that holds the cutoff stays until that minute is over.
    @Test func eventsArePrunedByWholeMinutesThroughTheMinutesMap() throws {
        let (store, removeStore) = try makeLoginsStore()
        defer { removeStore() }
        let now: Int64 = 100 * 86_400 + 30
        let cutoff = now - 600
        let minute = cutoff - cutoff % 60
        let workload = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: 600, countsRetentionSeconds: nil), now: { now })
        let events: [(partition: Int32, offset: Int64, time: Int64)] = [
            (0, 1, minute - 61), (0, 2, minute + 60), (0, 3, minute - 1), (0, 4, minute),
            (1, 1, cutoff - 1), (1, 2, minute - 120),
        ]
        var batch = workload.makeBatch(capacity: events.count)
        for event in events {
            let json = #"{"user_id":"u","timestamp":\#(event.time)}"#
            let failure = Array(json.utf8).withUnsafeBytes {
                workload.stage(IncomingMessage(topic: "t", partition: event.partition, offset: event.offset, key: nil, value: $0), into: &batch)
            }
            #expect(failure == nil)
        }
        try store.write { db in try workload.apply(batch, to: db, now: now, changes: nil) }
        let pruner = Pruner(store: store, rules: workload.retentionRules, settings: RetentionSettings(rowsPerStep: 1), now: { now })
        #expect(try pruner.pruneAll() == ["login_events": 3])
        let (kept, minutes) = try store.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT partition, offset FROM login_events ORDER BY partition, offset").map { [$0[0], $0[1]] as [Int64] },
                try Row.fetchAll(db, sql: "SELECT minute_start, partition, first_offset, last_offset FROM login_event_minutes ORDER BY 1, 2")
                    .map { [$0[0], $0[1], $0[2], $0[3]] as [Int64] }
            )
        }
        #expect(kept == [[0, 2], [0, 4], [1, 1]])
        #expect(minutes == [[minute, 0, 4, 4], [minute, 1, 1, 1], [minute + 60, 0, 2, 2]], "expired minutes are forgotten")
    }
}

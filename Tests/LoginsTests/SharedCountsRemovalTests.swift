import GRDB
import Store
import Testing

@testable import Logins

/// `eddy offsets reset` with the changelog off: a partition's stored events leave the counts kept for
/// every partition together, and what cannot leave them is said.
@Suite struct SharedCountsRemovalTests {
    private func insertEvent(_ db: Database, partition: Int32, offset: Int64, at time: Int64, device: String?) throws {
        try db.execute(
            sql: "INSERT INTO login_events (topic, partition, offset, user_id, device_type, event_time) VALUES ('t', ?, ?, 'u', ?, ?)",
            arguments: [partition, offset, device, time]
        )
    }

    private func setCount(_ db: Database, minute: Int64, device: String, _ logins: Int) throws {
        try db.execute(
            sql: "INSERT INTO login_counts VALUES (?, ?, 'unknown', 'unknown', '', -1, ?, 0)", arguments: [minute, device, logins]
        )
    }

    private func counts(_ db: Database) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT window_start, device_type, logins FROM login_counts").map {
            ("\($0[0] as Int64)/\($0[1] as String)", $0[2] as Int)
        })
    }

    @Test func aPartitionsEventsLeaveTheSharedCountsAndRowsAtZeroGo() throws {
        let (store, removeStore) = try makeLoginsStore()
        defer { removeStore() }
        let (left, after) = try store.write { db in
            try insertEvent(db, partition: 0, offset: 0, at: 120, device: "web")
            try insertEvent(db, partition: 0, offset: 1, at: 130, device: nil)
            try insertEvent(db, partition: 1, offset: 0, at: 125, device: "web")
            try setCount(db, minute: 120, device: "web", 2)
            try setCount(db, minute: 120, device: "unknown", 1)
            return (try SharedCountsRemoval.takeOut(db, topic: "t", partition: 0), try counts(db))
        }
        #expect(left == nil)
        #expect(after == ["120/web": 1], "partition 1's event stays counted; the row at 0 is gone")
    }

    @Test func countsOfMinutesWhoseEventsAreGoneAreNamed() throws {
        let (store, removeStore) = try makeLoginsStore()
        defer { removeStore() }
        let left = try store.write { db in
            try insertEvent(db, partition: 0, offset: 5, at: 180, device: "web")
            try setCount(db, minute: 60, device: "web", 4)  // events retention deleted
            try setCount(db, minute: 180, device: "web", 1)
            return try SharedCountsRemoval.takeOut(db, topic: "t", partition: 0)
        }
        #expect(left?.contains("in the minutes before 1970-01-01T00:03:00Z") == true, "\(left ?? "nil")")
        let noEvents = try store.write { db in try SharedCountsRemoval.takeOut(db, topic: "t", partition: 3) }
        #expect(noEvents?.contains("every minute (none of its events is stored)") == true)
    }
}

import Engine
import GRDB
import Store

/// Which offsets of each partition hold the events of each minute: the batch's part of the
/// `login_event_minutes` map, through which retention deletes `login_events` (an index on every row's
/// time costs far more, because events arrive out of time order). A row of the map covers one block
/// of ``blockSize`` offsets at most, which bounds what deleting one minute reads.
enum LoginEventMinutes {
    static let blockSize: Int64 = 65_536

    private struct Key: Hashable {
        var minuteStart: Int64
        var topic: StagedLoginEvents.Span
        var partition: Int32
        var block: Int64
    }

    private struct OffsetRange {
        var first: Int64
        var last: Int64

        init(_ offset: Int64) {
            first = offset
            last = offset
        }

        mutating func include(_ offset: Int64) {
            first = min(first, offset)
            last = max(last, offset)
        }
    }

    /// Merges the minutes of `events` into `login_event_minutes`, inside the batch's transaction.
    /// - Parameter changes: where to record each row as it now is, when the changelog is on.
    static func write(_ events: StagedLoginEvents, _ text: StagedLoginEvents.Text, to db: Database, changes: PartitionChanges?) throws {
        var offsets: [Key: OffsetRange] = [:]
        offsets.reserveCapacity(events.events.count / 8)
        for event in events.events {
            let key = Key(
                minuteStart: MinuteWindow.start(of: event.timestamp), topic: event.topic, partition: event.partition,
                block: event.offset / blockSize
            )
            offsets[key, default: OffsetRange(event.offset)].include(event.offset)
        }
        let upsert = try BatchStatement(
            db,
            sql: """
                INSERT INTO login_event_minutes (minute_start, topic, partition, offset_block, first_offset, last_offset)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (minute_start, topic, partition, offset_block) DO UPDATE SET
                    first_offset = min(first_offset, excluded.first_offset),
                    last_offset = max(last_offset, excluded.last_offset)
                """
        )
        var topics = TopicNames()
        for (key, range) in offsets {
            upsert.bind(key.minuteStart, at: 1)
            upsert.bind(text: text[key.topic], at: 2)
            upsert.bind(Int64(key.partition), at: 3)
            upsert.bind(key.block, at: 4)
            upsert.bind(range.first, at: 5)
            upsert.bind(range.last, at: 6)
            try upsert.run()
            // The range merges at restore as it merged here.
            changes?.record(topic: topics.name(key.topic, text), partition: key.partition) { set in
                set.merge(LoginsTables.minutes)
                set.append(key.minuteStart)
                set.append(text: text[key.topic])
                set.append(Int64(key.partition))
                set.append(key.block)
                set.append(range.first)
                set.append(range.last)
            }
        }
    }

    /// Deletes at most `limit` events of the minutes that ended before `cutoff`, one row of the map at
    /// a time (oldest minute first), and forgets each row of the map whose events are all gone. Rows that
    /// unsent outbox records name by offset range stay, with every later row of their partition, until
    /// the records are sent: sending reads them back.
    /// - Returns: the events deleted; fewer than `limit` when no expired event is left that may go.
    static func deleteExpired(_ db: Database, cutoff: Int64, limit: Int) throws -> Int {
        let held = try Outbox.namedRows(db, table: LoginsTables.events.name)
        let next = try db.cachedStatement(
            sql: """
                SELECT minute_start, topic, partition, offset_block, first_offset, last_offset FROM login_event_minutes
                WHERE minute_start < ? AND (minute_start, topic, partition, offset_block) > (?, ?, ?, ?)
                ORDER BY minute_start, topic, partition, offset_block LIMIT 64
                """
        )
        let deleteEvents = try db.cachedStatement(
            sql: """
                DELETE FROM login_events WHERE (topic, partition, offset) IN (
                    SELECT topic, partition, offset FROM login_events
                    WHERE topic = ?1 AND partition = ?2 AND offset BETWEEN ?3 AND ?4 AND event_time - event_time % 60 = ?5
                    LIMIT ?6)
                """
        )
        let forget = try db.cachedStatement(
            sql: "DELETE FROM login_event_minutes WHERE minute_start = ? AND topic = ? AND partition = ? AND offset_block = ?"
        )
        var deleted = 0
        // The map's rows in key order from the first: a row that must stay is passed, not read again.
        var after: [DatabaseValueConvertible] = [Int64.min, "", Int64.min, Int64.min]
        while deleted < limit {
            let entries = try Row.fetchAll(next, arguments: StatementArguments([MinuteWindow.start(of: cutoff)] + after))
            guard let last = entries.last else { break }
            after = [last["minute_start"] as Int64, last["topic"] as String, last["partition"] as Int64, last["offset_block"] as Int64]
            for entry in entries where deleted < limit {
                let minute: Int64 = entry["minute_start"]
                let topic: String = entry["topic"]
                let partition: Int64 = entry["partition"]
                let lastOffset: Int64 = entry["last_offset"]
                let keep = held.lowestOffset(topic: topic, partition: Int32(truncatingIfNeeded: partition))
                let through = min(lastOffset, keep - 1)
                let first: Int64 = entry["first_offset"]
                guard first <= through else { continue }
                let wanted = limit - deleted
                try deleteEvents.execute(arguments: [topic, partition, first, through, minute, wanted])
                deleted += db.changesCount
                // Every event of this row's minute is gone: forget the row.
                if db.changesCount < wanted && through == lastOffset {
                    try forget.execute(arguments: [minute, topic, partition, entry["offset_block"]])
                }
            }
        }
        return deleted
    }
}

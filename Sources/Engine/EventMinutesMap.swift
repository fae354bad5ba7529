import GRDB
import Store

/// Which offsets of each partition hold the events of each minute, for an events table keyed by source
/// offset: retention deletes through it a whole minute at a time (an index on every row's time costs far
/// more, because events arrive out of time order). A row of the map covers one block of ``blockSize``
/// offsets at most, which bounds what deleting one minute reads.
public struct EventMinutesMap: Sendable {
    public static let blockSize: Int64 = 65_536

    /// One row of the map: the lowest and highest offset of a block with an event in a minute.
    public struct Entry: Sendable {
        public var minuteStart: Int64
        public var topic: String
        public var partition: Int32
        public var block: Int64
        public var first: Int64
        public var last: Int64

        public init(minuteStart: Int64, topic: String, partition: Int32, block: Int64, first: Int64, last: Int64) {
            self.minuteStart = minuteStart
            self.topic = topic
            self.partition = partition
            self.block = block
            self.first = first
            self.last = last
        }
    }

    /// The map (`minute_start, topic, partition, offset_block, first_offset, last_offset`).
    public let map: PartitionedTable
    /// The events table (`topic, partition, offset`, and the time column).
    public let events: String
    /// The events table's column of unix seconds the minutes are of.
    public let timeColumn: String

    public init(map: PartitionedTable, events: String, timeColumn: String) {
        self.map = map
        self.events = events
        self.timeColumn = timeColumn
    }

    /// Merges `entries` into the map, inside the batch's transaction.
    /// - Parameter changes: where to record each row as it now is, when the changelog is on.
    public func write(_ entries: some Sequence<Entry>, to db: Database, changes: PartitionChanges?) throws {
        let upsert = try BatchStatement(
            db,
            sql: """
                INSERT INTO \(map.name) (minute_start, topic, partition, offset_block, first_offset, last_offset)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (minute_start, topic, partition, offset_block) DO UPDATE SET
                    first_offset = min(first_offset, excluded.first_offset),
                    last_offset = max(last_offset, excluded.last_offset)
                """
        )
        for entry in entries {
            upsert.bind(entry.minuteStart, at: 1)
            upsert.bind(entry.topic, at: 2)
            upsert.bind(Int64(entry.partition), at: 3)
            upsert.bind(entry.block, at: 4)
            upsert.bind(entry.first, at: 5)
            upsert.bind(entry.last, at: 6)
            try upsert.run()
            // The range merges at restore as it merged here.
            changes?.record(topic: entry.topic, partition: entry.partition) { set in
                set.merge(map)
                set.append(entry.minuteStart)
                set.append(entry.topic)
                set.append(Int64(entry.partition))
                set.append(entry.block)
                set.append(entry.first)
                set.append(entry.last)
            }
        }
    }

    /// Deletes at most `limit` events of the minutes that ended before `cutoff`, one row of the map at
    /// a time (oldest minute first), and forgets each row of the map whose events are all gone. Rows that
    /// unsent outbox records name by offset range stay, with every later row of their partition, until
    /// the records are sent: sending reads them back.
    /// - Returns: the events deleted; fewer than `limit` when no expired event is left that may go.
    public func deleteExpired(_ db: Database, cutoff: Int64, limit: Int) throws -> Int {
        let held = try Outbox.namedRows(db, table: events)
        let next = try db.cachedStatement(
            sql: """
                SELECT minute_start, topic, partition, offset_block, first_offset, last_offset FROM \(map.name)
                WHERE minute_start < ? AND (minute_start, topic, partition, offset_block) > (?, ?, ?, ?)
                ORDER BY minute_start, topic, partition, offset_block LIMIT 64
                """
        )
        let deleteEvents = try db.cachedStatement(
            sql: """
                DELETE FROM \(events) WHERE (topic, partition, offset) IN (
                    SELECT topic, partition, offset FROM \(events)
                    WHERE topic = ?1 AND partition = ?2 AND offset BETWEEN ?3 AND ?4 AND \(timeColumn) - \(timeColumn) % 60 = ?5
                    LIMIT ?6)
                """
        )
        let forget = try db.cachedStatement(
            sql: "DELETE FROM \(map.name) WHERE minute_start = ? AND topic = ? AND partition = ? AND offset_block = ?"
        )
        var deleted = 0
        // The map's rows in key order from the first: a row that must stay is passed, not read again.
        var after: [DatabaseValueConvertible] = [Int64.min, "", Int64.min, Int64.min]
        while deleted < limit {
            let entries = try Row.fetchAll(next, arguments: StatementArguments([cutoff - cutoff % 60] + after))
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

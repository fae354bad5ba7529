import Engine
import GRDB
import Store

/// The batch's part of the `login_event_minutes` map (``EventMinutesMap``), through which retention
/// deletes `login_events`.
enum LoginEventMinutes {
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
                block: event.offset / EventMinutesMap.blockSize
            )
            offsets[key, default: OffsetRange(event.offset)].include(event.offset)
        }
        var topics = TopicNames()
        let entries = offsets.map { key, range in
            EventMinutesMap.Entry(
                minuteStart: key.minuteStart, topic: topics.name(key.topic, text), partition: key.partition, block: key.block,
                first: range.first, last: range.last
            )
        }
        try map.write(entries, to: db, changes: changes)
    }

    /// The map of `login_events`, whose time column is `event_time`.
    static let map = EventMinutesMap(map: LoginsTables.minutes, events: LoginsTables.events.name, timeColumn: "event_time")

    /// Deletes expired events through the map: ``EventMinutesMap/deleteExpired(_:cutoff:limit:)``.
    static func deleteExpired(_ db: Database, cutoff: Int64, limit: Int) throws -> Int {
        try map.deleteExpired(db, cutoff: cutoff, limit: limit)
    }
}

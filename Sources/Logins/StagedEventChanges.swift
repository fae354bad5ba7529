import Store

/// The changelog's part of a batch's stored events, encoded while staging, on the consumer thread: for
/// each run of events from one partition, their rows and the exact ranges of their offsets. The change
/// set in the outbox names the rows by those ranges (``RowRange``) and the relay sends these bytes from
/// memory, or reads the rows back from `login_events` when it no longer has them, so each event is
/// written to SQLite once (docs/performance.md).
///
/// A range holds consecutive offsets only, every one of them an event staged here: a message that
/// failed between two events breaks it, so that reading a range back never brings a row this batch did
/// not write (the failed message reprocessed later, say). Runs are cut at ``segmentBytes`` so that a
/// change set stays near its chunk size.
struct StagedEventChanges {
    struct Segment {
        var topic: String
        var partition: Int32
        /// Ascending, each of consecutive offsets.
        var ranges: [Range<Int64>]
        var rows: ChangeSet

        /// Takes `event` into this segment's ranges when it continues the segment.
        /// - Returns: whether it did.
        mutating func extend(_ event: StagedLoginEvents.Event, topic: String) -> Bool {
            guard partition == event.partition, rows.byteCount < StagedEventChanges.segmentBytes, self.topic == topic,
                let end = ranges.last?.upperBound, end <= event.offset
            else { return false }
            ranges.append(offset: event.offset)
            return true
        }
    }

    static let segmentBytes = 32 * 1024
    /// Room for a full segment and the row that passes ``segmentBytes``: reserved once, not grown by doubling.
    private static let segmentCapacity = segmentBytes + 4 * 1024

    private(set) var segments: [Segment] = []

    /// Adds the upsert of `event`'s `login_events` row, read from `topic`.
    mutating func append(_ event: StagedLoginEvents.Event, _ text: StagedLoginEvents.Text, topic: String) {
        // The last segment, changed in place: a copy of it would make each array it holds copy itself on write.
        if segments.isEmpty || !segments[segments.count - 1].extend(event, topic: topic) {
            let rows = ChangeSet(capacity: Self.segmentCapacity)
            segments.append(Segment(topic: topic, partition: event.partition, ranges: [event.offset..<event.offset + 1], rows: rows))
        }
        segments[segments.count - 1].rows.upsert(LoginsTables.events)
        segments[segments.count - 1].rows.appendRow(of: event, text)
    }
}

extension ChangeSet {
    /// The values of `event`'s `login_events` row, in `LoginsTables.events.columns` order.
    fileprivate mutating func appendRow(of event: StagedLoginEvents.Event, _ text: StagedLoginEvents.Text) {
        append(text: text[event.topic])
        append(Int64(event.partition))
        append(event.offset)
        append(text: text[event.userID])
        append(text: text[event.appVersion])
        append(text: text[event.deviceType])
        append(text: text[event.locale])
        append(text: text[event.ip])
        append(text: text[event.deviceID])
        append(event.timestamp)
    }
}

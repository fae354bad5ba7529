import Store

/// The changelog rows of a batch's stored events, encoded while staging, on the consumer thread (as
/// the output topic's values are), so that the transaction only copies them into the partitions'
/// change sets: encoding them there took 6 % of the commit thread (docs/performance.md).
///
/// One segment per run of events from one partition, cut at ``segmentBytes`` so that a change set
/// stays near its chunk size.
struct StagedEventChanges {
    struct Segment {
        var topic: String
        var partition: Int32
        var rows: ChangeSet
    }

    static let segmentBytes = 32 * 1024
    /// Room for a full segment and the row that passes ``segmentBytes``: reserved once, not grown by doubling.
    private static let segmentCapacity = segmentBytes + 4 * 1024

    private(set) var segments: [Segment] = []

    /// Adds the upsert of `event`'s `login_events` row, read from `topic`.
    mutating func append(_ event: StagedLoginEvents.Event, _ text: StagedLoginEvents.Text, topic: String) {
        if segments.last.map({ $0.partition != event.partition || $0.rows.byteCount >= Self.segmentBytes || $0.topic != topic }) ?? true {
            segments.append(Segment(topic: topic, partition: event.partition, rows: ChangeSet(capacity: Self.segmentCapacity)))
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

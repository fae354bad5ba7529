import Store

/// The changelog's part of a batch's stored events: for each run of events from one partition, the
/// range of their offsets and about how many bytes their rows take once read. The rows themselves are
/// not copied: the change set names them by range (``RowRange``) and the relay reads them from
/// `login_events` when it sends the record, so each event is written to SQLite once
/// (docs/performance.md).
///
/// Runs are cut at ``segmentBytes`` so that a change set stays near its chunk size once its rows are read.
struct StagedEventChanges {
    struct Segment {
        var topic: String
        var partition: Int32
        var from: Int64
        var to: Int64
        /// About what the rows add to the change set once read.
        var bytes: Int
    }

    static let segmentBytes = 32 * 1024
    /// A range's section header (the table and its column names) once its rows are read.
    private static let sectionBytes = 128
    /// A row's tags, length prefixes and integers, at most, besides its texts.
    private static let rowOverheadBytes = 64

    private(set) var segments: [Segment] = []

    /// Adds `event`'s `login_events` row, read from `topic`.
    mutating func append(_ event: StagedLoginEvents.Event, topic: String) {
        func length(_ span: StagedLoginEvents.Span) -> Int { max(Int(span.count), 0) }
        let bytes = Self.rowOverheadBytes + length(event.topic) + length(event.userID) + length(event.appVersion) + length(event.deviceType)
            + length(event.locale) + length(event.ip) + length(event.deviceID)
        if let last = segments.last, last.partition == event.partition, last.topic == topic, last.to <= event.offset,
            last.bytes < Self.segmentBytes
        {
            segments[segments.count - 1].to = event.offset + 1
            segments[segments.count - 1].bytes += bytes
        } else {
            segments.append(Segment(topic: topic, partition: event.partition, from: event.offset, to: event.offset + 1, bytes: Self.sectionBytes + bytes))
        }
    }
}

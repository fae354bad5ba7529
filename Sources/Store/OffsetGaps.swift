import GRDB

/// A range of a partition's offsets that the broker deleted before Eddy read them.
public struct OffsetGap: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The first offset lost.
    public var from: Int64
    /// The first offset after the gap.
    public var to: Int64

    public init(topic: String, partition: Int32, from: Int64, to: Int64) {
        self.topic = topic
        self.partition = partition
        self.from = from
        self.to = to
    }
}

/// The `offset_gaps` table: every range of offsets the broker deleted unread, so that a gap is never silent.
public enum OffsetGaps {
    /// Records `gap` inside the caller's transaction.
    public static func insert(_ db: Database, _ gap: OffsetGap, now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO offset_gaps (topic, partition, from_offset, to_offset, detected_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (topic, partition, from_offset) DO UPDATE SET to_offset = max(to_offset, excluded.to_offset)
                """,
            arguments: [gap.topic, gap.partition, gap.from, gap.to, now]
        )
    }
}

import GRDB

/// The `consumer_offsets` table: where each partition resumes. It is the truth; Kafka's committed
/// offsets are only a hint.
public enum ConsumerOffsets {
    /// Every stored offset, optionally for one topic only.
    public static func load(_ db: Database, topic: String? = nil) throws -> [PartitionOffset] {
        let rows =
            if let topic {
                try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset, updated_at FROM consumer_offsets WHERE topic = ?", arguments: [topic])
            } else {
                try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset, updated_at FROM consumer_offsets")
            }
        return rows.map { PartitionOffset(topic: $0[0], partition: $0[1], nextOffset: $0[2], updatedAt: $0[3]) }
    }

    /// Upserts `offsets` inside the caller's transaction.
    public static func save(_ db: Database, _ offsets: some Sequence<PartitionOffset>, now: Int64) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO consumer_offsets (topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at
                """
        )
        for offset in offsets {
            try statement.execute(arguments: [offset.topic, offset.partition, offset.nextOffset, now])
        }
    }

    /// Where `topic`/`partition` resumes, or `nil` when nothing of it was stored.
    public static func nextOffset(_ db: Database, topic: String, partition: Int32) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT next_offset FROM consumer_offsets WHERE topic = ? AND partition = ?", arguments: [topic, partition]
        )
    }

    /// Forgets where `topic`/`partition` resumes: this instance no longer owns it.
    public static func delete(_ db: Database, topic: String, partition: Int32) throws {
        try db.execute(sql: "DELETE FROM consumer_offsets WHERE topic = ? AND partition = ?", arguments: [topic, partition])
    }
}

import GRDB

/// The `offset_resets` table: every reset of a partition's stored offset, with what it dropped.
public enum OffsetResets {
    /// Records a reset inside the caller's transaction.
    public static func insert(_ db: Database, topic: String, partition: Int32, from: Int64?, to: Int64, rowsDropped: Int, now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO offset_resets (topic, partition, from_offset, to_offset, rows_dropped, reset_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [topic, partition, from, to, rowsDropped, now]
        )
    }
}

import GRDB

/// The `changelog_lines` table: where each partition stands in the changelog. Written in the same
/// transaction as the state it describes.
public enum ChangelogLines {
    /// The partition's line, or `nil` when this database never claimed it.
    public static func load(_ db: Database, topic: String, partition: Int32) throws -> ChangelogLine? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT line, epoch, seq, parent_line, parent_seq, claimed_at, snapshot_at FROM changelog_lines
                WHERE topic = ? AND partition = ?
                """,
            arguments: [topic, partition]
        ).map { row in
            let parentLine: Int64? = row[3]
            let parentSeq: Int64? = row[4]
            return ChangelogLine(
                topic: topic, partition: partition, line: row[0], epoch: row[1], seq: row[2],
                parent: parentLine.map { ($0, parentSeq ?? 0) }, claimedAt: row[5], snapshotAt: row[6]
            )
        }
    }

    /// The partitions this database holds a line of.
    public static func all(_ db: Database) throws -> [(topic: String, partition: Int32)] {
        try Row.fetchAll(db, sql: "SELECT topic, partition FROM changelog_lines").map { ($0[0], $0[1]) }
    }

    /// Records a claim: `line` replaces whatever the partition had.
    public static func save(_ db: Database, _ line: ChangelogLine) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO changelog_lines (topic, partition, line, epoch, seq, parent_line, parent_seq, claimed_at, snapshot_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                line.topic, line.partition, line.line, line.epoch, line.seq, line.parent?.line, line.parent?.seq, line.claimedAt, line.snapshotAt,
            ]
        )
    }

    /// Counts one more change set in the partition's line.
    /// - Returns: the line with its new `seq`, or `nil` when the partition has no line here.
    public static func advance(_ db: Database, topic: String, partition: Int32) throws -> (line: Int64, epoch: Int64, seq: Int64)? {
        let statement = try db.cachedStatement(
            sql: "UPDATE changelog_lines SET seq = seq + 1 WHERE topic = ? AND partition = ? RETURNING line, epoch, seq"
        )
        return try Row.fetchOne(statement, arguments: [topic, partition]).map { ($0[0], $0[1], $0[2]) }
    }

    /// Records that a snapshot of the partition was written at `time` (unix seconds).
    public static func recordSnapshot(_ db: Database, topic: String, partition: Int32, at time: Int64) throws {
        try db.execute(sql: "UPDATE changelog_lines SET snapshot_at = ? WHERE topic = ? AND partition = ?", arguments: [time, topic, partition])
    }

    public static func delete(_ db: Database, topic: String, partition: Int32) throws {
        try db.execute(sql: "DELETE FROM changelog_lines WHERE topic = ? AND partition = ?", arguments: [topic, partition])
    }
}

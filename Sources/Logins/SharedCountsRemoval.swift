import GRDB
import Primitives

/// Takes a source partition's stored events out of the counts kept for every partition together
/// (topic `''`, partition -1: the changelog off), for `eddy offsets reset`: what those events counted
/// goes, and rows left at 0 go too.
enum SharedCountsRemoval {
    /// - Returns: a note when the shared counts may keep more of the partition than its stored events
    ///   show (retention deleted its older events, or events are not stored); `nil` otherwise.
    static func takeOut(_ db: Database, topic: String, partition: Int32) throws -> String? {
        let shared = "login_counts.topic = '' AND login_counts.partition = \(LoginCountKey.unattributedPartition)"
        try db.execute(
            sql: """
                WITH gone AS (
                    SELECT event_time - event_time % 60 AS w, coalesce(device_type, 'unknown') AS d, coalesce(locale, 'unknown') AS l,
                           coalesce(app_version, 'unknown') AS v, count(*) AS n
                    FROM login_events WHERE topic = ? AND partition = ? GROUP BY 1, 2, 3, 4
                )
                UPDATE login_counts SET logins = logins - gone.n FROM gone
                WHERE \(shared) AND window_start = gone.w AND device_type = gone.d AND locale = gone.l AND app_version = gone.v
                """,
            arguments: [topic, partition]
        )
        try db.execute(sql: "DELETE FROM login_counts WHERE \(shared) AND logins <= 0")
        let oldest = try Int64.fetchOne(
            db, sql: "SELECT min(event_time - event_time % 60) FROM login_events WHERE topic = ? AND partition = ?", arguments: [topic, partition]
        )
        let olderShared = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM login_counts WHERE \(shared) AND window_start < ?)", arguments: [oldest ?? Int64.max]
        ) ?? false
        guard olderShared else { return nil }
        let minutes = oldest.map { "the minutes before \(ISO8601UTC.format($0))" } ?? "every minute (none of its events is stored)"
        return "login_counts may still count messages of the old log of \(topic)[\(partition)] in \(minutes): their events are no longer "
            + "stored to take them out by (retention deleted them, or --store-events false)"
    }
}

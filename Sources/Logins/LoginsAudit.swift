import GRDB

/// `login_counts` checked against the stored events it counts: per minute and key (device type, locale,
/// app version; summed over source partitions), the logins stored against those recomputed from
/// `login_events`. It reads one snapshot, so it runs beside the service without blocking it.
public enum LoginsAudit {
    /// A minute and key whose stored count differs from the count of its stored events.
    public struct Difference: Sendable, Equatable {
        public var windowStart: Int64
        public var deviceType: String
        public var locale: String
        public var appVersion: String
        public var stored: Int64
        public var recomputed: Int64
    }

    /// What an audit found.
    public struct Report: Sendable {
        /// The minutes compared.
        public var minutes: Int
        public var differences: [Difference]
    }

    /// Compares the minutes that both tables hold whole, within `from..<to` (unix seconds) when given: from
    /// the minute after the oldest one with stored events (retention deletes events minute by minute, so
    /// the oldest may be half gone) and from the oldest window of `login_counts`, to the newest event.
    public static func run(_ db: Database, from: Int64? = nil, to: Int64? = nil) throws -> Report {
        let bounds = """
            WITH bounds AS (
                SELECT max((SELECT min(event_time - event_time % 60) + 60 FROM login_events),
                           (SELECT min(window_start) FROM login_counts), coalesce(?1, -9223372036854775807)) AS low,
                       min((SELECT max(event_time) + 1 FROM login_events), coalesce(?2, 9223372036854775807)) AS high
            ),
            recomputed AS (
                SELECT event_time - event_time % 60 AS w, coalesce(device_type, 'unknown') AS d, coalesce(locale, 'unknown') AS l,
                       coalesce(app_version, 'unknown') AS v, count(*) AS n
                FROM login_events, bounds WHERE event_time - event_time % 60 >= low AND event_time - event_time % 60 < high
                GROUP BY 1, 2, 3, 4
            ),
            stored AS (
                SELECT window_start AS w, device_type AS d, locale AS l, app_version AS v, sum(logins) AS n
                FROM login_counts, bounds WHERE window_start >= low AND window_start < high
                GROUP BY 1, 2, 3, 4
            )
            """
        let minutes = try Int.fetchOne(
            db, sql: bounds + " SELECT count(*) FROM (SELECT w FROM recomputed UNION SELECT w FROM stored)", arguments: [from, to]
        ) ?? 0
        let rows = try Row.fetchAll(
            db,
            sql: bounds + """
                SELECT coalesce(s.w, r.w) AS w, coalesce(s.d, r.d) AS d, coalesce(s.l, r.l) AS l, coalesce(s.v, r.v) AS v,
                       coalesce(s.n, 0) AS stored, coalesce(r.n, 0) AS recomputed
                FROM stored s FULL OUTER JOIN recomputed r ON s.w = r.w AND s.d = r.d AND s.l = r.l AND s.v = r.v
                WHERE coalesce(s.n, 0) != coalesce(r.n, 0)
                ORDER BY 1, 2, 3, 4
                """,
            arguments: [from, to]
        )
        let differences = rows.map { row in
            Difference(
                windowStart: row["w"], deviceType: row["d"], locale: row["l"], appVersion: row["v"], stored: row["stored"],
                recomputed: row["recomputed"]
            )
        }
        return Report(minutes: minutes, differences: differences)
    }
}

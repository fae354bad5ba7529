import GRDB
import Store

/// The numbers and the queries the demo prints at the end, read back from the database.
struct DemoSummary {
    var store: Store
    var produced: Int
    var seconds: Double
    var outputTopic: String

    func print() throws {
        let (events, logins, failed, published) = try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_events") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(logins), 0) FROM login_counts") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM failed_messages") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(records), 0) FROM outbox WHERE channel = 0 AND id <= (SELECT sent_through FROM outbox_sent_through WHERE channel = 0)") ?? 0
            )
        }
        let rate = seconds > 0 ? Int(Double(events + failed) / seconds) : 0
        let path = store.path
        Swift.print(
            """

            Summary
              events produced   \(produced)
              valid (stored)    \(events)  (login_counts sums to \(logins))
              failed            \(failed)  (in failed_messages, with their exact bytes)
              published         \(published)  (normalized events on \(outputTopic), through the outbox)
              throughput        \(rate) events/s after the group join
              database          \(path)

            Try:
              sqlite3 \(path) "SELECT device_type, SUM(logins) FROM login_counts GROUP BY 1 ORDER BY 2 DESC"
              sqlite3 \(path) "SELECT error_class, error, COUNT(*) FROM failed_messages GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10"
              sqlite3 \(path) "SELECT datetime(window_start, 'unixepoch') AS minute, SUM(logins) FROM login_counts GROUP BY 1 ORDER BY 1 DESC LIMIT 5"
            """
        )
    }
}

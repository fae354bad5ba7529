import Engine
import GRDB

/// The user-login workload: validates each event, stores it in `login_events` and counts it in
/// `login_counts` per minute, device type, locale and app version. Counts are aggregated in memory
/// per batch and written once per key.
public final class LoginsWorkload: Workload {
    private struct StagedEvent {
        var topic: String
        var partition: Int32
        var offset: Int64
        var event: LoginEvent
    }

    private let storeEvents: Bool
    private var events: [StagedEvent] = []
    private var counts: [LoginCountKey: Int64] = [:]

    /// - Parameter storeEvents: keep one `login_events` row per valid event (counts are always kept).
    public init(storeEvents: Bool = true) {
        self.storeEvents = storeEvents
    }

    public func stage(_ message: IncomingMessage) -> WorkloadFailure? {
        switch LoginEventParser.parse(message.value) {
        case .success(let event):
            counts[LoginCountKey(event), default: 0] += 1
            if storeEvents {
                events.append(StagedEvent(topic: message.topic, partition: message.partition, offset: message.offset, event: event))
            }
            return nil
        case .failure(let failure):
            return WorkloadFailure(errorClass: failure.errorClass.rawValue, reason: failure.reason)
        }
    }

    public func apply(_ db: Database, now: Int64) throws {
        defer { discard() }
        if !events.isEmpty {
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO login_events
                        (topic, partition, offset, user_id, app_version, device_type, locale, ip, device_id, event_time)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for staged in events {
                let event = staged.event
                insert.setUncheckedArguments([
                    staged.topic, staged.partition, staged.offset, event.userID, event.appVersion, event.deviceType,
                    event.locale, event.ip, event.deviceID, event.timestamp,
                ])
                try insert.execute()
            }
        }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO login_counts (window_start, device_type, locale, app_version, logins, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (window_start, device_type, locale, app_version)
                DO UPDATE SET logins = logins + excluded.logins, updated_at = excluded.updated_at
                """
        )
        for (key, logins) in counts {
            upsert.setUncheckedArguments([key.windowStart, key.deviceType, key.locale, key.appVersion, logins, now])
            try upsert.execute()
        }
    }

    public func discard() {
        events.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
    }
}

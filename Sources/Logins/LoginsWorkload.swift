import Engine
import Foundation
import GRDB
import Store

/// The user-login workload: validates each event, stores it in `login_events`, counts it in
/// `login_counts` per minute, device type, locale and app version, and (when publishing) writes the
/// normalized event to the outbox. Counts are aggregated in memory per batch and written once per key.
public final class LoginsWorkload: Workload {
    private struct StagedEvent {
        var topic: String
        var partition: Int32
        var offset: Int64
        var event: LoginEvent
    }

    private let settings: LoginsSettings
    private let now: @Sendable () -> Int64
    private var events: [StagedEvent] = []
    private var counts: [LoginCountKey: Int64] = [:]

    /// - Parameter now: unix seconds, for lateness; injectable for tests.
    public init(settings: LoginsSettings = LoginsSettings(), now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.settings = settings
        self.now = now
    }

    public var retentionRules: [RetentionRule] {
        [
            RetentionRule(
                name: "login_events", table: "login_events", timeColumn: "event_time", keyColumns: ["topic", "partition", "offset"],
                retainSeconds: settings.eventsRetentionSeconds
            ),
            RetentionRule(
                name: "login_counts", table: "login_counts", timeColumn: "window_start",
                keyColumns: ["window_start", "device_type", "locale", "app_version"], retainSeconds: settings.countsRetentionSeconds
            ),
        ]
    }

    public func stage(_ message: IncomingMessage) -> WorkloadFailure? {
        switch LoginEventParser.parse(message.value) {
        case .success(let event):
            let key = LoginCountKey(event)
            if let retain = settings.countsRetentionSeconds, key.windowStart < now() - retain {
                return WorkloadFailure(
                    errorClass: "late",
                    reason: "the event's minute \(ISO8601UTC.format(key.windowStart)) is older than the login_counts retention; "
                        + "reprocess it after lengthening --retain-counts"
                )
            }
            counts[key, default: 0] += 1
            if settings.storeEvents || settings.publishes {
                events.append(StagedEvent(topic: message.topic, partition: message.partition, offset: message.offset, event: event))
            }
            return nil
        case .failure(let failure):
            return WorkloadFailure(errorClass: failure.errorClass.rawValue, reason: failure.reason)
        }
    }

    public func apply(_ db: Database, now: Int64) throws {
        defer { discard() }
        if settings.storeEvents { try insertEvents(db) }
        if settings.publishes { try publishEvents(db, now: now) }
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

    private func insertEvents(_ db: Database) throws {
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

    /// One outbox record per event: the normalized JSON, keyed by user_id, with its source
    /// topic/partition/offset (the relay sends them as headers: the dedupe key downstream).
    private func publishEvents(_ db: Database, now: Int64) throws {
        for staged in events {
            let record = OutboxRecord(
                sourceTopic: staged.topic,
                sourcePartition: staged.partition,
                sourceOffset: staged.offset,
                key: Array(staged.event.userID.utf8),
                value: ProcessedEventEncoder.encode(staged.event)
            )
            try Outbox.append(db, record, now: now)
        }
    }
}

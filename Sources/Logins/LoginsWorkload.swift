import Engine
import Foundation
import GRDB
import Primitives
import Store

/// The user-login workload: validates each event, stores it in `login_events`, counts it in
/// `login_counts` per minute, device type, locale and app version, and (when publishing) stages the
/// normalized event for the output topic, keyed by user_id. Counts are aggregated in memory per batch
/// and written once per key.
public struct LoginsWorkload: Workload {
    private let settings: LoginsSettings
    private let now: @Sendable () -> Int64

    /// - Parameter now: unix seconds, for lateness; injectable for tests.
    public init(settings: LoginsSettings = LoginsSettings(), now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.settings = settings
        self.now = now
    }

    public var retentionRules: [RetentionRule] {
        [
            RetentionRule(
                name: "login_events", retainSeconds: settings.eventsRetentionSeconds, deleteExpired: LoginEventMinutes.deleteExpired
            ),
            RetentionRule(
                name: "login_counts", table: "login_counts", timeColumn: "window_start",
                keyColumns: LoginsTables.counts.key, retainSeconds: settings.countsRetentionSeconds
            ),
        ]
    }

    public func forget(_ db: Database, topic: String, partition: Int32) throws -> String? {
        try SharedCountsRemoval.takeOut(db, topic: topic, partition: partition)
    }

    public var migrations: [Migration] { LoginsMigrations.all }
    public var partitionedTables: [PartitionedTable] { LoginsTables.all }

    public func makeBatch(capacity: Int) -> LoginsBatch {
        var batch = LoginsBatch()
        batch.events.reserveCapacity(capacity)
        // The user-login stream has about one count key per two events in a batch: reserving them
        // spares the dictionary a dozen rehashes of every key as it grows.
        batch.counts.reserveCapacity(capacity / 2)
        // A stored event's output is named by its row: the transaction does not write its JSON again.
        batch.output = StagedOutput(namedIn: settings.storeEvents ? LoginsTables.events : nil)
        return batch
    }

    public func stage(_ message: IncomingMessage, into batch: inout LoginsBatch) -> WorkloadFailure? {
        if settings.limitsEventSize, let tooLarge = RecordSizeLimit.failure(message) { return tooLarge }
        switch LoginEventParser.view(message.value) {
        case .success(var view):
            let windowStart = MinuteWindow.start(of: view.timestamp)
            if let cutoff = lateCutoff(&batch), windowStart < cutoff {
                return WorkloadFailure(
                    errorClass: "late",
                    reason: "the event's minute \(ISO8601UTC.format(windowStart)) is older than the login_counts retention; "
                        + "reprocess it after lengthening --retain-counts"
                )
            }
            let key = LoginCountKey(
                windowStart: windowStart,
                deviceType: view.string(.deviceType) ?? LoginCountKey.unknown,
                locale: view.string(.locale) ?? LoginCountKey.unknown,
                appVersion: view.string(.appVersion) ?? LoginCountKey.unknown,
                topic: settings.changelog ? message.topic : LoginCountKey.unattributedTopic,
                partition: settings.changelog ? message.partition : LoginCountKey.unattributedPartition
            )
            batch.counts[key, default: 0] += 1
            if settings.storeEvents || settings.publishes {
                batch.events.append(&view, topic: message.topic, partition: message.partition, offset: message.offset)
            }
            if settings.storeEvents && settings.changelog {
                batch.events.withText { text in
                    batch.eventChanges.append(batch.events.events[batch.events.events.count - 1], text, topic: message.topic)
                }
            }
            if settings.publishes {
                let event = batch.events.events[batch.events.events.count - 1]
                batch.events.withText { text in
                    batch.output.append(topic: message.topic, partition: message.partition, offset: message.offset, key: text[event.userID]) {
                        ProcessedEventEncoder.append(event, text, to: &$0)
                    }
                }
            }
            return nil
        case .failure(let failure):
            return WorkloadFailure(errorClass: failure.errorClass.rawValue, reason: failure.reason)
        }
    }

    public func apply(_ batch: LoginsBatch, to db: Database, now: Int64, changes: PartitionChanges?) throws {
        precondition(changes == nil || settings.changelog, "recording changes needs LoginsSettings.changelog, which stages them")
        if settings.storeEvents { try insertEvents(batch, db, changes) }
        let upsert = try BatchStatement(
            db,
            sql: """
                INSERT INTO login_counts (window_start, device_type, locale, app_version, topic, partition, logins, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (window_start, topic, partition, device_type, locale, app_version)
                DO UPDATE SET logins = logins + excluded.logins, updated_at = excluded.updated_at
                """
        )
        guard let changes else {
            for (key, logins) in batch.counts {
                bind(key, logins, now, to: upsert)
                try upsert.run()
            }
            return
        }
        // In partition and minute order: the changes of one partition are recorded in one run, and the
        // upserts of a partition's minute land on the same few pages of the table, which is keyed that
        // way. The changelog gets the increment, which adds up at restore: reading the new total back
        // would cost a statement per row (measured, docs/performance.md).
        let ordered = batch.counts.sorted { ($0.key.partition, $0.key.windowStart) < ($1.key.partition, $1.key.windowStart) }
        var merges = LoginCountMerges()
        for (key, logins) in ordered {
            bind(key, logins, now, to: upsert)
            try upsert.run()
            changes.record(topic: key.topic, partition: key.partition) { merges.append(key, logins: logins, now: now, to: &$0) }
        }
    }

    private func bind(_ key: LoginCountKey, _ logins: Int64, _ now: Int64, to upsert: BatchStatement) {
        upsert.bind(key.windowStart, at: 1)
        upsert.bind(key.deviceType, at: 2)
        upsert.bind(key.locale, at: 3)
        upsert.bind(key.appVersion, at: 4)
        upsert.bind(key.topic, at: 5)
        upsert.bind(Int64(key.partition), at: 6)
        upsert.bind(logins, at: 7)
        upsert.bind(now, at: 8)
    }

    /// The start of the oldest window still kept, or `nil` when counts are kept forever.
    private func lateCutoff(_ batch: inout LoginsBatch) -> Int64? {
        guard let retain = settings.countsRetentionSeconds else { return nil }
        if let lateBefore = batch.lateBefore { return lateBefore }
        let cutoff = now() - retain
        batch.lateBefore = cutoff
        return cutoff
    }

    private func insertEvents(_ batch: LoginsBatch, _ db: Database, _ changes: PartitionChanges?) throws {
        let events = batch.events
        let insert = try BatchStatement(
            db,
            sql: """
                INSERT INTO login_events
                    (topic, partition, offset, user_id, app_version, device_type, locale, ip, device_id, event_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try events.withText { text in
            for event in events.events {
                insert.bind(text: text[event.topic], at: 1)
                insert.bind(Int64(event.partition), at: 2)
                insert.bind(event.offset, at: 3)
                insert.bind(text: text[event.userID], at: 4)
                insert.bind(text: text[event.appVersion], at: 5)
                insert.bind(text: text[event.deviceType], at: 6)
                insert.bind(text: text[event.locale], at: 7)
                insert.bind(text: text[event.ip], at: 8)
                insert.bind(text: text[event.deviceID], at: 9)
                insert.bind(event.timestamp, at: 10)
                try insert.run()
            }
            for segment in batch.eventChanges.segments {
                changes?.record(topic: segment.topic, partition: segment.partition) {
                    $0.appendRanges(LoginsTables.events, segment.ranges, rows: segment.rows)
                }
            }
            try LoginEventMinutes.write(events, text, to: db, changes: changes)
        }
    }

    public func rowsWritten(by batch: LoginsBatch) -> [(table: String, rows: Int)] {
        (settings.storeEvents ? [(LoginsTables.events.name, batch.events.events.count)] : []) + [(LoginsTables.counts.name, batch.counts.count)]
    }

    public func output(of batch: LoginsBatch) -> StagedOutput? {
        settings.publishes ? batch.output : nil
    }

    /// The normalized events of the stored `login_events` rows `ranges` name, keyed by user_id: the
    /// bytes staging made, since the row holds the event's text as it was read.
    public func outputRecords(_ db: Database, topic: String, partition: Int32, named ranges: [RowRange]) throws -> OutputRecords {
        let select = try BatchStatement(
            db,
            sql: """
                SELECT offset, user_id, app_version, device_type, locale, ip, device_id, event_time FROM login_events
                WHERE topic = ? AND partition = ? AND offset >= ? AND offset < ? ORDER BY offset
                """
        )
        var records = OutputRecords()
        for range in ranges {
            guard range.table == LoginsTables.events.name else {
                throw EngineError("an outbox row names output rows of \(range.table), which the Logins workload does not publish from")
            }
            select.bind(topic, at: 1)
            select.bind(Int64(partition), at: 2)
            select.bind(range.from, at: 3)
            select.bind(range.to, at: 4)
            try select.forEachRow { row in
                records.append(offset: row.integer(0), key: row.bytes(1)) { out in
                    ProcessedEventEncoder.append(
                        userID: row.bytes(1), appVersion: row.bytes(2), deviceType: row.bytes(3), locale: row.bytes(4), ip: row.bytes(5),
                        deviceID: row.bytes(6), timestamp: row.integer(7), to: &out
                    )
                }
                return true
            }
        }
        return records
    }
}

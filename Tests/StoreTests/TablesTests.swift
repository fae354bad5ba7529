import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct TablesTests {
    private func migratedStore(_ directory: TemporaryDirectory) throws -> Store {
        let store = try Store(path: directory.file("eddy.db"))
        try Migrations.apply(to: store, workload: [])
        return store
    }

    @Test func offsetsUpsertAndLoadPerTopic() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        try store.write { db in
            try ConsumerOffsets.save(db, [PartitionOffset(topic: "a", partition: 0, nextOffset: 5), PartitionOffset(topic: "b", partition: 1, nextOffset: 7)], now: 1)
            try ConsumerOffsets.save(db, [PartitionOffset(topic: "a", partition: 0, nextOffset: 9)], now: 2)
        }
        let all = try store.read { try ConsumerOffsets.load($0) }
        #expect(
            Set(all) == [
                PartitionOffset(topic: "a", partition: 0, nextOffset: 9, updatedAt: 2),
                PartitionOffset(topic: "b", partition: 1, nextOffset: 7, updatedAt: 1),
            ]
        )
        #expect(try store.read { try ConsumerOffsets.load($0, topic: "b") } == [PartitionOffset(topic: "b", partition: 1, nextOffset: 7, updatedAt: 1)])
    }

    /// The ids `forEachUnsent` shows, until `body` says stop.
    private func unsentIDs(
        _ store: Store, channels: Set<OutboxRecord.Channel>, while body: (OutboxRecordView) -> Bool = { _ in true }
    ) throws -> [Int64] {
        var ids: [Int64] = []
        try store.read { db in
            try Outbox.forEachUnsent(db, afterID: 0, limit: 100, channels: channels) { record in
                ids.append(record.id)
                return body(record)
            }
        }
        return ids
    }

    /// The relay reads the bytes as they were written, a NULL key as nil and an empty value as empty.
    @Test func unsentRecordsAreReadWithTheirExactBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        try store.write { db in
            try Outbox.append(db, OutboxRecord(sourceTopic: "logins", sourcePartition: 7, sourceOffset: 42, key: [0, 1], value: [9, 0, 8]), now: 1)
            try Outbox.append(db, OutboxRecord(sourceTopic: "logins", sourcePartition: 3, sourceOffset: 43, key: nil, value: []), now: 1)
        }
        var read: [(id: Int64, record: OutboxRecord, channel: OutboxRecord.Channel)] = []
        try store.read { db in
            try Outbox.forEachUnsent(db, afterID: 0, limit: 10, channels: [.output]) { record in
                read.append(
                    (
                        record.id,
                        OutboxRecord(
                            sourceTopic: String(decoding: record.sourceTopic, as: UTF8.self), sourcePartition: record.sourcePartition,
                            sourceOffset: record.sourceOffset, key: record.key.map { Array($0) }, value: Array(record.value)
                        ),
                        record.channel
                    )
                )
                return true
            }
        }
        #expect(read.map(\.id) == [1, 2])
        #expect(read.map(\.channel) == [.output, .output])
        #expect(read.map(\.record) == [
            OutboxRecord(sourceTopic: "logins", sourcePartition: 7, sourceOffset: 42, key: [0, 1], value: [9, 0, 8]),
            OutboxRecord(sourceTopic: "logins", sourcePartition: 3, sourceOffset: 43, key: nil, value: []),
        ])
    }

    /// Each channel's watermark moves on its own and never back; a sent changelog record is deleted, a
    /// sent output record stays for retention; unsent ones are untouched; and ids keep growing even
    /// when the newest rows are deleted, so that neither the relay's cursor nor a watermark passes a
    /// new record.
    @Test func watermarksMovePerChannelAndSentChangelogRecordsGo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        try store.write { db in
            for offset in Int64(0)..<3 {
                try Outbox.append(db, OutboxRecord(sourceTopic: "t", sourcePartition: 0, sourceOffset: offset, key: nil, value: [1]), now: 1)
                try Outbox.appendChangelog(db, sourceTopic: "t", sourcePartition: 0, nextOffset: offset + 1, value: [2], now: 1)
            }
        }
        func unsent() throws -> [Int64] {
            try unsentIDs(store, channels: [.output, .changelog])
        }
        #expect(try unsent() == [1, 2, 3, 4, 5, 6])
        #expect(try store.read { try Outbox.unsentChangelogCount($0, sourceTopic: "t", sourcePartition: 0) } == 3)
        try store.write { db in
            try Outbox.markSent(db, channel: .output, through: 3)
            try Outbox.markSent(db, channel: .changelog, through: 4)
            try Outbox.markSent(db, channel: .output, through: 1)
        }
        #expect(try store.read { try Outbox.sentThrough($0, channel: .output) } == 3, "a watermark never goes back")
        #expect(try unsent() == [5, 6])
        #expect(try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM outbox ORDER BY id") } == [1, 3, 5, 6])
        #expect(try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM outbox_unsent ORDER BY id") } == [5, 6])
        #expect(try store.read { try Outbox.unsentChangelogCount($0, sourceTopic: "t", sourcePartition: 0) } == 1)
        #expect(try store.read { try Outbox.pendingCount($0) } == 2)
        try store.write { db in try Outbox.deleteUnsentChangelog(db, sourceTopic: "t", sourcePartition: 0) }
        try store.write { db in try Outbox.appendChangelog(db, sourceTopic: "t", sourcePartition: 0, nextOffset: 9, value: [3], now: 7) }
        #expect(try store.read { try Int64.fetchOne($0, sql: "SELECT MAX(id) FROM outbox") } == 7)
    }

    /// Sent records go by the time they were written, oldest first, and only up to their channel's
    /// watermark.
    @Test func sentRecordsArePrunedUpToTheirWatermark() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        try store.write { db in
            for (offset, time) in [(0, 10), (1, 20), (2, 30), (3, 40)] as [(Int64, Int64)] {
                try Outbox.append(db, OutboxRecord(sourceTopic: "t", sourcePartition: 0, sourceOffset: offset, key: nil, value: [1]), now: time)
            }
            try Outbox.markSent(db, channel: .output, through: 3)
        }
        #expect(try store.write { try Outbox.deleteSent($0, createdBefore: 35, limit: 1) } == 1)
        #expect(try store.write { try Outbox.deleteSent($0, createdBefore: 35, limit: 10) } == 2)
        #expect(try store.write { try Outbox.deleteSent($0, createdBefore: 100, limit: 10) } == 0, "record 4 is not sent")
        #expect(try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM outbox") } == [4])
    }

    @Test func aReadOfTheOutboxStopsWhereItsReaderSays() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        try store.write { db in
            for offset in Int64(0)..<4 {
                try Outbox.appendChangelog(db, sourceTopic: "t", sourcePartition: 0, nextOffset: offset + 1, value: Array(repeating: 7, count: 10), now: 1)
            }
        }
        var bytes = 0
        #expect(try unsentIDs(store, channels: [.changelog]) { bytes += $0.value.count; return bytes < 25 } == [1, 2, 3])
        #expect(try unsentIDs(store, channels: [.changelog]) { _ in false } == [1], "the record that says stop was seen")
        #expect(try unsentIDs(store, channels: [.changelog]) == [1, 2, 3, 4])
    }

    /// An output row that names its records by range counts as that many messages while it waits, and
    /// holds the rows it names (and the later ones of its partition) back from retention until sent.
    @Test func namedOutputRowsCountTheirRecordsAndHoldTheirRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        let ranges = [RowRange(table: "events", from: 10, to: 13), RowRange(table: "events", from: 14, to: 16)]
        let named = try store.write { db in
            try Outbox.append(db, OutboxRecord(sourceTopic: "t", sourcePartition: 0, sourceOffset: 9, key: nil, value: [1]), now: 1)
            let id = try Outbox.appendNamedOutput(db, sourceTopic: "t", sourcePartition: 0, rowRanges: ranges, records: 5, now: 1)
            try Outbox.appendChangelog(db, sourceTopic: "t", sourcePartition: 1, nextOffset: 30, value: [2], rowRanges: [RowRange(table: "events", from: 20, to: 30)], now: 1)
            try Outbox.appendChangelog(db, sourceTopic: "t", sourcePartition: 0, nextOffset: 9, value: [2], rowRanges: [RowRange(table: "other", from: 0, to: 9)], now: 1)
            return id
        }
        #expect(named == 2)
        #expect(try store.read { try Outbox.pendingOutput($0) } == 6)
        #expect(try store.read { try Outbox.pendingCount($0) } == 8)
        var seen: [(Int64, Int, Int64)] = []
        _ = try unsentIDs(store, channels: [.output]) { record in
            seen.append((record.id, record.records, record.sourceOffset))
            return true
        }
        #expect(seen.map(\.0) == [1, 2] && seen.map(\.1) == [1, 5] && seen.map(\.2) == [9, 10])
        let unsent = try store.read { try Outbox.unsentNamedOutput($0, sourceTopic: "t", sourcePartition: 0) }
        #expect(unsent.map(\.rowRanges) == [ranges] && unsent.map(\.records) == [5])
        #expect(try store.read { try Outbox.unsentNamedOutput($0, sourceTopic: "t", sourcePartition: 1) }.isEmpty)

        var held = try store.read { try Outbox.namedRows($0, table: "events") }
        #expect(held.lowestOffset(topic: "t", partition: 0) == 10)
        #expect(held.lowestOffset(topic: "t", partition: 1) == 20)
        #expect(held.lowestOffset(topic: "u", partition: 0) == .max)
        try store.write { db in try Outbox.markSent(db, channel: .output, through: 2) }
        held = try store.read { try Outbox.namedRows($0, table: "events") }
        #expect(held.lowestOffset(topic: "t", partition: 0) == .max, "sent: nothing holds partition 0 any more")
        #expect(try store.read { try Outbox.pendingOutput($0) } == 0)
    }

    @Test func failedRowsKeepTheExactBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        let payload: [UInt8] = [0x7B, 0x00, 0xFF, 0xFE, 0x22]
        let message = FailedMessage(
            topic: "t", partition: 3, offset: 42, key: [1, 2], payload: payload,
            headers: [("trace", [9]), ("empty", nil)], errorClass: "malformed", error: "not UTF-8"
        )
        let tombstone = FailedMessage(topic: "t", partition: 3, offset: 43, key: nil, payload: nil, errorClass: "malformed", error: "tombstone (null value)")
        try store.write { db in
            try FailedMessages.insert(db, message, nextAttemptAt: nil, now: 100)
            try FailedMessages.insert(db, tombstone, nextAttemptAt: nil, now: 100)
        }
        let row = try #require(try store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM failed_messages WHERE offset = 42") })
        #expect(Array(row["payload"] as Data) == payload)
        #expect(Array(row["key"] as Data) == [1, 2])
        #expect(row["status"] as String == "dead")
        #expect(row["attempts"] as Int == 1)
        #expect(row["headers"] as String == #"[["trace","CQ=="],["empty",null]]"#)
        let nullPayload = try store.read { db in try Bool.fetchOne(db, sql: "SELECT payload IS NULL FROM failed_messages WHERE offset = 43") }
        #expect(nullPayload == true)
        #expect(try store.read { db in try FailedMessages.counts(db).map(\.count) } == [2])
        // The same message can never be recorded twice.
        #expect(throws: (any Error).self) { try store.write { db in try FailedMessages.insert(db, message, nextAttemptAt: nil, now: 101) } }
    }

    @Test func aFailedRowRecordedAsInsertedIsTheRowAsStored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try migratedStore(directory)
        let messages = [
            FailedMessage(topic: "t", partition: 3, offset: 42, key: [], payload: [0, 0xFF], headers: [("h", nil)], errorClass: "invalid", error: "x"),
            FailedMessage(topic: "t", partition: 3, offset: 43, key: nil, payload: nil, errorClass: "malformed", error: "tombstone (null value)"),
        ]
        for (message, next) in zip(messages, [Int64?.none, 160]) {
            var recorded = ChangeSet()
            var readBack = ChangeSet()
            try store.write { db in
                try FailedMessages.insert(db, message, nextAttemptAt: next, now: 100, recordingInto: &recorded)
                let key = [message.topic.databaseValue, message.partition.databaseValue, message.offset.databaseValue]
                try PartitionRows.record(db, FailedMessages.table, key: key, into: &readBack)
            }
            #expect(recorded.bytes == readBack.bytes, "the changelog carries the row exactly as the table holds it (offset \(message.offset))")
        }
    }
}

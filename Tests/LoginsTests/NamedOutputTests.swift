import Foundation
import GRDB
import Store
import Testing

@testable import Engine
@testable import Logins

/// With the events stored, a batch's output is named by its `login_events` rows: one outbox row per
/// partition's run. What the relay makes from the rows read back must be the bytes staging made; the
/// rows stay until the output is sent; and a partition that leaves writes its unsent output out first.
@Suite struct NamedOutputTests {
    /// One message of the batch: `json` read at `partition`/`offset`.
    private struct Input {
        var partition: Int32
        var offset: Int64
        var json: String
    }

    /// Events with every kind of text the encoder escapes, missing and `null` fields, and messages that
    /// fail between valid ones (they cut the ranges), over three partitions, one after the other.
    private var inputs: [Input] {
        var inputs: [Input] = []
        let texts = [#"plain"#, #"quote \" and back\\slash"#, #"tab\tnew\nline\u0001"#, "é and e\u{301} and 🦊", ""]
        for index in 0..<60 {
            let partition = Int32(index % 3)
            let offset = Int64(100 + index / 3)
            let text = texts[index % texts.count]
            let json: String
            switch index % 7 {
            case 0: json = #"{"user_id":"n\#(index)","timestamp":1700000000,"locale":null,"ip":null}"#
            case 3: json = #"{"user_id":"u\#(index)","timestamp":"not a time"}"#  // fails
            case 5: json = #"{"user_id":"u\#(index)","timestamp":1700000300,"locale":"\#(text)","device_id":"\#(text)"}"#
            default:
                json = #"{"user_id":"u\#(index) \#(text)","app_version":"\#(text)","device_type":"ios","locale":"en","ip":"10.0.0.\#(index)","device_id":"d","timestamp":\#(1_700_000_000 + index)}"#
            }
            inputs.append(Input(partition: partition, offset: offset, json: json))
        }
        return inputs
    }

    /// The valid messages' count: 60 less the 9 with a bad timestamp, 17 per partition.
    private let validCount = 51

    /// Stages `inputs` (in partition order when `ordered`) and commits them with their output, as the
    /// commit thread does.
    /// - Returns: the staged output, and the messages of each named row by id.
    @discardableResult
    private func commit(
        _ workload: LoginsWorkload, _ store: Store, ordered: Bool = false, now: Int64 = 1_700_000_500
    ) throws -> (StagedOutput, [Int64: OutputRecords]) {
        var batch = workload.makeBatch(capacity: inputs.count)
        var failed = 0
        for input in ordered ? inputs.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) : inputs {
            let failure = Array(input.json.utf8).withUnsafeBytes {
                workload.stage(IncomingMessage(topic: "t", partition: input.partition, offset: input.offset, key: nil, value: $0), into: &batch)
            }
            if failure != nil { failed += 1 }
        }
        #expect(failed == inputs.count - validCount, "the messages with a bad timestamp fail")
        let output = try #require(workload.output(of: batch))
        let named = try store.write { db in
            try workload.apply(batch, to: db, now: now, changes: nil)
            return try OutputWriter.write(output, to: db, now: now)
        }
        return (output, Dictionary(uniqueKeysWithValues: named.map { ($0.id, $0.rows) }))
    }

    /// Offsets, keys and values of `records`, comparable.
    private func contents(_ records: OutputRecords) -> [String] {
        var contents: [String] = []
        records.forEach { offset, key, value in
            contents.append("\(offset) \(key.map { Array($0).description } ?? "nil") \(Array(value))")
        }
        return contents
    }

    @Test func messagesReadBackAreTheBytesStagingMade() throws {
        let (store, remove) = try makeLoginsStore()
        defer { remove() }
        let workload = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: nil, countsRetentionSeconds: nil, publishes: true))
        let (staged, named) = try commit(workload, store)
        #expect(staged.runs.count == validCount, "the partitions take turns message by message: a run each")

        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, source_topic, source_partition, source_offset, row_ranges, records, value FROM outbox ORDER BY id")
        }
        #expect(rows.count == validCount, "one row per run")
        #expect(rows.allSatisfy { ($0["value"] as Data).isEmpty && $0["row_ranges"] != nil }, "no bytes carried")
        #expect(try store.read { try Outbox.pendingOutput($0) } == validCount)
        var compared = 0
        for row in rows {
            let id: Int64 = row["id"]
            let ranges = try RowRange.decode(Array(row["row_ranges"] as Data))
            let readBack = try store.read { db in
                try workload.outputRecords(db, topic: row["source_topic"], partition: row["source_partition"], named: ranges)
            }
            let stagedRecords = try #require(named[id])
            #expect(readBack.count == row["records"] as Int)
            #expect(contents(readBack) == contents(stagedRecords))
            compared += readBack.count
        }
        #expect(compared == validCount)
    }

    /// Bigger runs: one partition's messages one after the other make one row with several ranges (cut
    /// by the failed messages); the bytes still match, and a carried outbox (events not stored) holds
    /// the same messages, one row each.
    @Test func aRunNamesSeveralRangesAndMatchesTheCarriedOutput() throws {
        let (named, removeNamed) = try makeLoginsStore()
        defer { removeNamed() }
        let (carried, removeCarried) = try makeLoginsStore()
        defer { removeCarried() }
        let storing = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: nil, countsRetentionSeconds: nil, publishes: true))
        let notStoring = LoginsWorkload(
            settings: LoginsSettings(storeEvents: false, eventsRetentionSeconds: nil, countsRetentionSeconds: nil, publishes: true)
        )
        let (staged, _) = try commit(storing, named, ordered: true)
        try commit(notStoring, carried, ordered: true)

        #expect(staged.runs.map(\.partition) == [0, 1, 2])
        // Failed: offsets 101, 108, 115 of partition 0; 103, 110, 117 of 1; 105, 112, 119 of 2.
        #expect(staged.runs.map { $0.ranges.count } == [4, 4, 3], "each partition's run is cut where a message failed")
        #expect(staged.runs[2].ranges == [100..<105, 106..<112, 113..<119])
        var readBack: [String] = []
        for row in try named.read({ db in try Row.fetchAll(db, sql: "SELECT source_partition, row_ranges FROM outbox ORDER BY id") }) {
            let ranges = try RowRange.decode(Array(row["row_ranges"] as Data))
            readBack += contents(try named.read { db in try storing.outputRecords(db, topic: "t", partition: row["source_partition"], named: ranges) })
        }
        let carriedRows = try carried.read { db in
            try Row.fetchAll(db, sql: "SELECT source_offset, key, value, records, row_ranges FROM outbox ORDER BY id").map { row in
                #expect(row["records"] as Int == 1 && row["row_ranges"] == nil)
                return "\(row["source_offset"] as Int64) \((row["key"] as Data?).map { Array($0).description } ?? "nil") \(Array(row["value"] as Data))"
            }
        }
        #expect(readBack.count == validCount)
        #expect(readBack == carriedRows, "named or carried, the same messages in the same order")
    }

    /// Retention keeps the rows an unsent output row names, and every later row of their partition,
    /// until the output is sent; the other partitions are pruned as usual.
    @Test func retentionKeepsTheRowsOfUnsentOutput() throws {
        let (store, remove) = try makeLoginsStore()
        defer { remove() }
        let now: Int64 = 1_700_000_000 + 30 * 86_400
        let workload = LoginsWorkload(
            settings: LoginsSettings(eventsRetentionSeconds: 86_400, countsRetentionSeconds: nil, publishes: true), now: { now }
        )
        try commit(workload, store, ordered: true)
        // Rows 1, 2, 3: partitions 0, 1, 2. Partition 0's output was sent; 1 and 2 wait.
        try store.write { db in try Outbox.markSent(db, channel: .output, through: 1) }

        let pruner = Pruner(store: store, rules: workload.retentionRules, settings: RetentionSettings(), now: { now })
        let removed = try pruner.pruneAll()
        func left() throws -> [Int64: Int] {
            try store.read { db in
                Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT partition, COUNT(*) AS n FROM login_events GROUP BY partition").map {
                        ($0["partition"] as Int64, $0["n"] as Int)
                    }
                )
            }
        }
        let held = try left()
        #expect(held[0] == nil, "partition 0's events are all sent and expired")
        #expect(removed["login_events"] == validCount / 3, "only partition 0 was pruned: \(removed)")
        #expect(held[1] == validCount / 3 && held[2] == validCount / 3)

        // Partition 1's output is sent too (the watermark passes its rows): its events go.
        try store.write { db in try Outbox.markSent(db, channel: .output, through: 2) }
        _ = try pruner.pruneAll()
        let afterSent = try left()
        #expect(afterSent[1] == nil)
        #expect(afterSent[2] == held[2], "partition 2 still waits")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_event_minutes WHERE partition != 2") } == 0)
    }

    /// Before a partition's rows leave, its unsent output named by them becomes one row per message
    /// with the same bytes; the other partitions' rows stay named.
    @Test func aPartitionThatLeavesWritesItsUnsentOutputOut() throws {
        let (store, remove) = try makeLoginsStore()
        defer { remove() }
        let workload = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: nil, countsRetentionSeconds: nil, publishes: true))
        let (_, named) = try commit(workload, store)
        let expected = try store.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE source_partition = 1 ORDER BY id").flatMap { contents(named[$0]!) }
        }
        let pendingBefore = try store.read { try Outbox.pendingOutput($0) }

        let written = try store.write { db in
            let written = try NamedOutputReader(workload).writeOut(db, topic: "t", partition: 1, now: 2)
            try PartitionRows(tables: LoginsWorkload().partitionedTables, topic: "t", partition: 1).delete(db)
            return written
        }
        #expect(written.written == expected.count && written.missing == 0)
        let carried = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT source_offset, key, value FROM outbox WHERE source_partition = 1 AND row_ranges IS NULL ORDER BY id").map {
                "\($0["source_offset"] as Int64) \(($0["key"] as Data?).map { Array($0).description } ?? "nil") \(Array($0["value"] as Data))"
            }
        }
        #expect(carried == expected)
        #expect(try store.read { try Outbox.unsentNamedOutput($0, sourceTopic: "t", sourcePartition: 1) }.isEmpty)
        #expect(try store.read { try Outbox.unsentNamedOutput($0, sourceTopic: "t", sourcePartition: 2) }.count == validCount / 3)
        #expect(try store.read { try Outbox.pendingOutput($0) } == pendingBefore)

        // Had a row been lost anyway, the rest still go out, and the loss is counted.
        let lost = try store.write { db in
            try db.execute(sql: "DELETE FROM login_events WHERE partition = 2 AND offset = 100")
            return try NamedOutputReader(workload).writeOut(db, topic: "t", partition: 2, now: 2)
        }
        #expect(lost.written == validCount / 3 - 1 && lost.missing == 1)
    }
}

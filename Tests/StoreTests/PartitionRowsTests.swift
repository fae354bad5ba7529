import Foundation
import GRDB
import Testing

@testable import Store

/// A partition's rows as change sets: a snapshot read from one database rebuilds them exactly in
/// another, deletes and later versions apply in order, and what does not belong is refused.
@Suite struct PartitionRowsTests {
    private let table = PartitionedTable(
        name: "items", columns: ["topic", "partition", "id", "label", "weight", "blob"], key: ["topic", "partition", "id"]
    )
    private let schema = Migration(
        name: "0100_items",
        sql: """
            CREATE TABLE items (topic TEXT NOT NULL, partition INTEGER NOT NULL, id INTEGER NOT NULL, label TEXT, weight REAL, blob BLOB,
                                local_note TEXT, PRIMARY KEY (topic, partition, id))
            """
    )

    private func store(_ directory: TemporaryDirectory, _ name: String) throws -> Store {
        let store = try Store(path: directory.file(name))
        try Migrations.apply(to: store, workload: [schema])
        return store
    }

    private func rows(_ store: Store, partition: Int32 = 1) throws -> [[DatabaseValue]] {
        try store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT topic, partition, id, label, weight, blob FROM items WHERE partition = ? ORDER BY id", arguments: [partition]
            ).map { row in (0..<6).map { row[$0] as DatabaseValue } }
        }
    }

    @Test func aSnapshotRebuildsThePartitionExactlyElsewhere() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try store(directory, "a.db")
        let target = try store(directory, "b.db")
        try source.write { db in
            try db.execute(
                sql: """
                    INSERT INTO items VALUES ('t', 1, 1, 'plain', 1.5, x'00ff', 'here only'), ('t', 1, 2, NULL, NULL, NULL, NULL),
                        ('t', 1, 3, 'ünïcødé "quoted"', -0.0, x'', NULL), ('t', 2, 1, 'other partition', 2, NULL, NULL)
                    """
            )
        }
        try target.write { db in
            try db.execute(sql: "INSERT INTO items VALUES ('t', 1, 9, 'stale', 0, NULL, NULL), ('t', 2, 7, 'kept', 0, NULL, NULL)")
        }
        var chunks: [[UInt8]] = []
        var changes = ChangeSet()
        try source.read { db in
            try PartitionRows(tables: [table], topic: "t", partition: 1).snapshot(db, into: &changes, flushBytes: 30) { full in
                chunks.append(full.bytes)
                full = ChangeSet()
            }
        }
        chunks.append(changes.bytes)
        #expect(chunks.count > 1, "a small flush size cuts the snapshot into chunks, each complete in itself")
        let target1 = PartitionRows(tables: [table], topic: "t", partition: 1)
        try target.write { db in
            #expect(try target1.delete(db) == 1)
            for chunk in chunks { try target1.apply(chunk, to: db) }
        }
        #expect(try rows(target) == rows(source))
        #expect(try rows(target, partition: 2).map { $0[3] } == ["kept".databaseValue], "other partitions are left alone")
    }

    @Test func upsertsAndDeletesApplyInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = try store(directory, "b.db")
        var changes = ChangeSet()
        for (id, label) in [(Int64(1), "first"), (2, "second"), (1, "first again")] {
            changes.upsert(table)
            changes.append("t")
            changes.append(Int64(1))
            changes.append(id)
            changes.append(label)
            changes.append(0.25)
            changes.append(blob: nil)
        }
        changes.delete(table)
        changes.append("t")
        changes.append(Int64(1))
        changes.append(Int64(2))
        #expect(changes.rowCount == 4)
        try target.write { db in try PartitionRows(tables: [table], topic: "t", partition: 1).apply(changes.bytes, to: db) }
        #expect(try rows(target).map { $0[3] } == ["first again".databaseValue])
    }

    @Test func mergesCombineWithTheStoredRowAsTheTableSays() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = try store(directory, "b.db")
        let tallies = PartitionedTable(
            name: "tallies", columns: ["topic", "partition", "key", "total", "low", "high", "note"], key: ["topic", "partition", "key"],
            merges: ["total": .add, "low": .min, "high": .max]
        )
        try Migrations.apply(
            to: target,
            workload: [
                schema,
                Migration(
                    name: "0101_tallies",
                    sql: """
                        CREATE TABLE tallies (topic TEXT NOT NULL, partition INTEGER NOT NULL, key TEXT NOT NULL, total INTEGER NOT NULL,
                                              low INTEGER NOT NULL, high INTEGER NOT NULL, note TEXT, PRIMARY KEY (topic, partition, key))
                        """
                ),
            ]
        )
        try target.write { db in try db.execute(sql: "INSERT INTO tallies VALUES ('t', 1, 'a', 10, 5, 7, 'before')") }
        var changes = ChangeSet()
        for (key, total, low, high, note) in [("a", Int64(3), Int64(2), Int64(6), "first"), ("b", 4, 9, 9, "new"), ("a", 1, 8, 12, "last")] {
            changes.merge(tallies)
            changes.append("t")
            changes.append(Int64(1))
            changes.append(key)
            changes.append(total)
            changes.append(low)
            changes.append(high)
            changes.append(note)
        }
        let rows = PartitionRows(tables: [table, tallies], topic: "t", partition: 1)
        try target.write { db in try rows.apply(changes.bytes, to: db) }
        let stored = try target.read { db in
            try Row.fetchAll(db, sql: "SELECT key, total, low, high, note FROM tallies ORDER BY key").map { row in
                "\(row["key"] as String) \(row["total"] as Int64) \(row["low"] as Int64) \(row["high"] as Int64) \(row["note"] as String)"
            }
        }
        #expect(stored == ["a 14 2 12 last", "b 4 9 9 new"], "added, lowest, highest, replaced; a new key is inserted as it came")
    }

    /// A change set names rows by offset range; read when it is sent, they rebuild exactly those rows of
    /// its partition elsewhere.
    @Test func rowsNamedByRangeAreReadFromTheirPartitionInOffsetOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try store(directory, "a.db")
        let target = try store(directory, "b.db")
        try source.write { db in
            try db.execute(
                sql: """
                    INSERT INTO items VALUES ('t', 1, 5, 'five', 5, NULL, NULL), ('t', 1, 2, 'two', 2, x'02', NULL), ('t', 1, 3, NULL, 3, NULL, NULL),
                        ('t', 1, 1, 'one', 1, NULL, NULL), ('t', 2, 3, 'other partition', 3, NULL, NULL), ('u', 1, 3, 'other topic', 3, NULL, NULL)
                    """
            )
        }
        let byOffset = PartitionedTable(name: table.name, columns: table.columns, key: table.key, offsetColumn: "id")
        var changes = ChangeSet()
        var staged = ChangeSet()
        staged.upsert(byOffset)
        for value in ["t".databaseValue, 1.databaseValue, 2.databaseValue, "two".databaseValue, 2.0.databaseValue, .null] { staged.append(value) }
        changes.appendRanges(byOffset, [2..<4], rows: staged)
        changes.appendRanges(byOffset, [4..<6], rows: ChangeSet())
        #expect(changes.ranges == [RowRange(table: "items", from: 2, to: 6)], "a range that continues the last one joins it")
        #expect(changes.rangeRows == [staged.bytes, []], "the rows as their writer encoded them, kept beside the ranges")
        #expect(changes.byteCount == staged.byteCount && changes.bytes.isEmpty && !changes.isEmpty)
        let ranges = try RowRange.decode(RowRange.encode(changes.ranges + [RowRange(table: "items", from: -1, to: 1 << 40)]))
        #expect(ranges == changes.ranges + [RowRange(table: "items", from: -1, to: 1 << 40)])
        #expect(throws: StoreError.self) { try RowRange.decode(Array(RowRange.encode(ranges).dropLast())) }

        let partition = PartitionRows(tables: [byOffset], topic: "t", partition: 1)
        let named = try source.read { db in try partition.rows(db, of: changes.ranges) }
        #expect(named.rowCount == 3)
        try target.write { db in try partition.apply(named.bytes, to: db) }
        let expected = try rows(source).filter { $0[0] == "t".databaseValue && [2, 3, 5].contains(Int64.fromDatabaseValue($0[2])) }
        #expect(try rows(target) == expected)
        #expect(throws: StoreError.self) {
            try source.read { db in try PartitionRows(tables: [table], topic: "t", partition: 1).rows(db, of: changes.ranges) }
        }
    }

    @Test func changesThatDoNotBelongAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = try store(directory, "b.db")
        let rows = PartitionRows(tables: [table], topic: "t", partition: 1)
        func refusal(_ build: (inout ChangeSet) -> Void) -> String {
            var changes = ChangeSet()
            build(&changes)
            do {
                try target.write { db in try rows.apply(changes.bytes, to: db) }
                return "applied"
            } catch {
                return "\(error)"
            }
        }
        let otherPartition = refusal { set in
            set.upsert(table)
            for value: DatabaseValue in ["t".databaseValue, 2.databaseValue, 1.databaseValue, .null, .null, .null] { set.append(value) }
        }
        #expect(otherPartition.contains("belongs to another partition"), "\(otherPartition)")
        let unknownTable = refusal { set in
            set.upsert(PartitionedTable(name: "sqlite_master", columns: ["topic", "partition"], key: ["topic", "partition"]))
            set.append("t")
            set.append(Int64(1))
        }
        #expect(unknownTable.contains("holds no partitioned rows here"), "\(unknownTable)")
        let unknownColumn = refusal { set in
            set.upsert(PartitionedTable(name: "items", columns: ["topic", "partition", "local_note"], key: ["topic", "partition"]))
            set.append("t")
            set.append(Int64(1))
            set.append("x")
        }
        #expect(unknownColumn.contains("does not know"), "\(unknownColumn)")
        let cut = refusal { set in
            set.upsert(table)
            set.append("t")
        }
        #expect(cut.contains("cut short"), "\(cut)")
        #expect(try self.rows(target).isEmpty, "nothing of a refused change set stays")
    }
}

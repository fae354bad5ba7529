import Foundation
import GRDB
import Testing

@testable import Store

/// The change set's encoding: every row decodes to the values written, whether a value was written
/// whole or as the row before's, across sections and change sets sent one after the other; a repeat
/// asked for in a section's first row is written whole, and one in the bytes is refused, not guessed.
@Suite struct ChangeSetTests {
    private typealias Count = (minute: Int64, kind: String, n: Int64)
    private let counts = PartitionedTable(
        name: "counts", columns: ["minute", "kind", "topic", "partition", "n", "at"], key: ["minute", "kind", "topic", "partition"],
        merges: ["n": .add]
    )
    private let notes = PartitionedTable(name: "notes", columns: ["topic", "partition", "id", "text"], key: ["topic", "partition", "id"])

    private func decoded(_ bytes: [UInt8]) throws -> [(String, ChangeSet.Operation, [DatabaseValue])] {
        var rows: [(String, ChangeSet.Operation, [DatabaseValue])] = []
        try ChangeSet.forEachRow(in: bytes) { section, values in rows.append((section.table, section.operation, values)) }
        return rows
    }

    private func values(_ count: Count) -> [DatabaseValue] {
        [count.minute.databaseValue, count.kind.databaseValue, "logins".databaseValue, 3.databaseValue, count.n.databaseValue,
         1_700_000_000.databaseValue]
    }

    /// Appends `count` as a merge row, each value said to be the same as `before`'s when it is.
    private func append(_ count: Count, before: Count?, to set: inout ChangeSet) {
        set.merge(counts)
        set.append(count.minute, before: before?.minute)
        set.append(count.kind, before: before?.kind)
        set.append("logins", before: before.map { _ in "logins" })
        set.append(3, before: before.map { _ in 3 })
        set.append(count.n)
        set.append(1_700_000_000, before: before.map { _ in 1_700_000_000 })
    }

    @Test func rowsRepeatingTheRowBeforeTakeOneBytePerValueAndDecodeWhole() throws {
        var set = ChangeSet()
        let written: [Count] = [(60, "ios", 1), (60, "ios", 1), (60, "web", 7), (120, "web", 7), (120, "ios", 2)]
        for (index, count) in written.enumerated() { append(count, before: index > 0 ? written[index - 1] : nil, to: &set) }
        let rows = try decoded(set.bytes)
        #expect(rows.map(\.2) == written.map(values))
        #expect(rows.allSatisfy { $0.0 == "counts" && $0.1 == .merge })

        var first = ChangeSet()
        append(written[0], before: nil, to: &first)
        let headerAndFirstRow = first.bytes.count
        // A row byte, five one-byte repeats and the increment (2 bytes).
        append(written[1], before: written[0], to: &first)
        #expect(first.bytes.count - headerAndFirstRow == 8)
    }

    @Test func textsThatSwiftCallsEqualButDifferInBytesAreWrittenWhole() throws {
        // "é" as one code point and as "e" with a combining accent: equal to Swift, two keys to SQLite.
        let composed: Count = (60, "\u{E9}", 1)
        let decomposed: Count = (60, "e\u{301}", 1)
        #expect(composed.kind == decomposed.kind)
        var set = ChangeSet()
        append(composed, before: nil, to: &set)
        append(decomposed, before: composed, to: &set)
        let kinds = try decoded(set.bytes).map { $0.2[1] }
        #expect(kinds.map { Array((String.fromDatabaseValue($0) ?? "").utf8) } == [[0xC3, 0xA9], [0x65, 0xCC, 0x81]])
    }

    @Test func aSectionsFirstRowIsWrittenWholeWhateverTheCallerSays() throws {
        let count: Count = (60, "ios", 1)
        var set = ChangeSet()
        append(count, before: count, to: &set)
        set.upsert(notes)
        set.append("logins")
        set.append(Int64(3))
        set.append(Int64(60))
        set.append("ios")
        append(count, before: count, to: &set)
        set.delete(notes)
        set.append("logins")
        set.append(Int64(3))
        set.append(Int64(60))
        var next = ChangeSet()
        append(count, before: count, to: &next)
        // The relay sends a record's carried rows and then its named rows, each set's bytes after the other.
        let rows = try decoded(set.bytes + next.bytes)
        #expect(rows.map(\.0) == ["counts", "notes", "counts", "notes", "counts"])
        #expect(rows.map(\.1) == [.merge, .upsert, .merge, .delete, .merge])
        #expect(rows.map(\.2) == [
            values(count), ["logins".databaseValue, 3.databaseValue, 60.databaseValue, "ios".databaseValue], values(count),
            ["logins".databaseValue, 3.databaseValue, 60.databaseValue], values(count),
        ])
    }

    @Test func aRepeatInASectionsFirstRowIsRefused() throws {
        var set = ChangeSet()
        set.upsert(notes)
        set.append("t")
        set.append(Int64(0))
        set.append(Int64(1))
        set.append("a")
        var bytes = set.bytes
        // The last value ("a", tag 3) becomes a repeat of a row that does not exist.
        let textTag = bytes.count - 3
        #expect(bytes[textTag] == 3)
        bytes.replaceSubrange(textTag..., with: [5])
        #expect(throws: StoreError.self) { _ = try decoded(bytes) }
    }
}

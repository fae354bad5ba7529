import Testing

@testable import Declared

/// A batch's rows of one aggregation: found again by an equal key, apart for any difference (start,
/// source, a group's bytes, null against a default), and still found after the table has grown.
@Suite struct WindowRowsTests {
    /// One message's cells: a text and an integer, the text `nil` for a missing one.
    static func values(_ text: String?, _ number: Int64?) -> StagedValues {
        var values = StagedValues()
        values.appendNulls(2)
        if let text { Array(text.utf8).withUnsafeBytes { values.setText($0, at: 0) } }
        if let number { values.set(.integer(number), at: 1) }
        return values
    }

    /// The group values encoded in `bytes`.
    static func decoded(_ bytes: UnsafeRawBufferPointer) -> [DeclaredValue] {
        var values: [DeclaredValue] = []
        ColumnValue.forEach(in: bytes) { value in
            switch value {
            case .null: values.append(.null)
            case .integer(let integer): values.append(.integer(integer))
            case .real(let real): values.append(.real(real))
            case .text(let text): values.append(.text(String(decoding: text, as: UTF8.self)))
            }
        }
        return values
    }

    static let groups = [
        WindowRows.Group(field: 0, missing: ColumnValue.encoded(.text("unknown"))), WindowRows.Group(field: 1, missing: ColumnValue.encoded(.null)),
    ]

    @Test func equalKeysShareARowAndEveryDifferenceMakesAnother() {
        var rows = WindowRows(measures: 1)
        func row(start: Int64 = 60, topic: Int32 = 0, partition: Int32 = 0, text: String? = "a", number: Int64? = 1) -> Int {
            let index = rows.row(start: start, topic: topic, partition: partition, groups: Self.groups, of: Self.values(text, number), first: 0)
            rows.add(.integer(1), .add, row: index, position: 0)
            return index
        }
        let first = row()
        #expect(row() == first)
        let others = [
            row(start: 120), row(topic: -1), row(partition: 1), row(text: "b"), row(text: "\u{E9}"), row(text: "e\u{301}"), row(number: 2),
            row(number: nil), row(text: nil),
        ]
        #expect(Set(others).count == others.count && !others.contains(first))
        // A missing text counts under the default, as the text "unknown" itself does.
        #expect(row(text: "unknown") == others.last)
        #expect(rows.count == 1 + others.count)
        var counts: [Int64] = []
        rows.forEach { _, _, measures in if case .integer(let count) = measures.first { counts.append(count) } }
        #expect(counts.first == 2 && counts.last == 2 && counts.reduce(0, +) == 12)
    }

    /// -0.0 and 0.0 are one key to SQLite, so one row here; other reals differ.
    @Test func negativeZeroIsEncodedAsZero() {
        #expect(ColumnValue.encoded(.real(-0.0)) == ColumnValue.encoded(.real(0.0)))
        #expect(ColumnValue.encoded(.real(0.5)) != ColumnValue.encoded(.real(-0.5)))
        #expect(ColumnValue.encoded(.real(1)) != ColumnValue.encoded(.integer(1)))
    }

    @Test func rowsAreFoundAgainAfterTheTableGrows() {
        var rows = WindowRows(measures: 1)
        for pass in 0..<2 {
            for number in 0..<Int64(1_000) {
                let index = rows.row(start: 0, topic: 0, partition: 0, groups: Self.groups, of: Self.values("x", number), first: 0)
                #expect(index == Int(number), "pass \(pass)")
            }
        }
        var groups: [[DeclaredValue]] = []
        rows.forEach { _, bytes, _ in groups.append(Self.decoded(bytes)) }
        #expect(groups == (0..<Int64(1_000)).map { [.text("x"), .integer($0)] })
    }
}

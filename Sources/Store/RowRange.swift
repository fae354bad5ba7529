import Primitives

/// Rows that a change set names instead of carrying: the rows of `table` in the change set's source
/// partition whose offset column lies in `from..<to`. The transaction that wrote them stores the range
/// in the outbox, and the relay reads the rows and appends them to the record when it sends it, so every
/// stored event is not written twice (docs/performance.md).
public struct RowRange: Sendable, Equatable {
    public var table: String
    public var from: Int64
    public var to: Int64

    public init(table: String, from: Int64, to: Int64) {
        self.table = table
        self.from = from
        self.to = to
    }

    /// The ranges' bytes, for the outbox's `row_ranges` column.
    public static func encode(_ ranges: [RowRange]) -> [UInt8] {
        var writer = ByteWriter(capacity: 16 * ranges.count)
        writer.append(varint: UInt64(ranges.count))
        for range in ranges {
            writer.append(lengthPrefixed: range.table)
            writer.append(signed: range.from)
            writer.append(signed: range.to)
        }
        return writer.bytes
    }

    /// Reads what ``encode(_:)`` wrote.
    /// - Throws: ``StoreError`` when the bytes are cut short.
    public static func decode(_ bytes: [UInt8]) throws(StoreError) -> [RowRange] {
        var reader = ByteReader(bytes)
        do {
            let count = try reader.varint()
            var ranges: [RowRange] = []
            for _ in 0..<count {
                ranges.append(RowRange(table: try reader.string(), from: try reader.signed(), to: try reader.signed()))
            }
            return ranges
        } catch {
            throw StoreError("an outbox record's row ranges are cut short: \(error)")
        }
    }
}

extension Array where Element == Range<Int64> {
    /// Adds `offset`, which is not below the last range's end: the last range grows when `offset`
    /// follows it, else a range of its own starts.
    public mutating func append(offset: Int64) {
        if let last = self.last, last.upperBound == offset {
            self[count - 1] = last.lowerBound..<offset + 1
        } else {
            append(offset..<offset + 1)
        }
    }
}

import GRDB
import Primitives

/// Changes to the rows of one source partition, encoded for the changelog: rows upserted whole, rows
/// merged into the stored ones, and rows deleted by key. Rows of one table in a row share one header that names the table and the
/// columns, so a record can be applied by a later version of Eddy whose tables have more columns.
///
/// Layout: a sequence of items. `1` starts a section: the operation (`1` upsert, `2` delete, `3`
/// merge), the table name, the column names and, for a merge, one ``Merge`` byte per column. `2` is a
/// row of the section: one value per column, each a tag (`0` null, `1` integer, `2` real, `3` text,
/// `4` blob) and its value, or the tag `5` alone: the same integer or text as the column's in the row
/// before, which a section's first row never uses. Rows of one partition and batch repeat most of their
/// values (the topic, the partition, the minute, the time of the change): each then costs one byte,
/// which is less to write, send and read back (docs/performance.md).
///
/// A merge row combines with the stored row of the same key (a count adds its increment): the writer
/// needs no read of the row's current value. It is right only when applied once, in order, on the state
/// the change set follows, which the restore rule guarantees (each change set of a line once, after the
/// snapshot or parent it extends).
public struct ChangeSet: Sendable {
    public enum Operation: UInt8, Sendable {
        case upsert = 1
        case delete = 2
        case merge = 3
    }

    /// How a column of a merge row combines with the stored row's value.
    public enum Merge: UInt8, Sendable {
        /// The new value replaces the stored one (key columns, and every column of an upsert).
        case replace = 0
        /// The new value is added to the stored one.
        case add = 1
        case min = 2
        case max = 3
    }

    enum Item: UInt8 {
        case section = 1
        case row = 2
    }

    @usableFromInline enum Tag: UInt8 {
        case null = 0
        case integer = 1
        case real = 2
        case text = 3
        case blob = 4
        /// The value of this column in the row before, in the same section.
        case same = 5
    }

    @usableFromInline var writer: ByteWriter
    /// How many rows the current section holds, the one being written included.
    @usableFromInline private(set) var rowsInSection = 0
    private var section: (table: String, operation: Operation)?
    /// How many rows it carries (those of ``ranges`` are not counted).
    public private(set) var rowCount = 0
    /// Rows named rather than carried, read when the change set is sent (``RowRange``).
    public private(set) var ranges: [RowRange] = []
    /// The rows of ``ranges`` as their writer encoded them, kept so that they can be sent without reading
    /// them back: change sets' bytes, one after the other.
    public private(set) var rangeRows: [[UInt8]] = []
    /// The size of ``rangeRows``.
    private var rangeBytes = 0

    public init(capacity: Int = 0) {
        writer = ByteWriter(capacity: capacity)
    }

    /// The rows carried; those of ``ranges`` are not among them.
    public var bytes: [UInt8] { writer.bytes }
    public var isEmpty: Bool { writer.count == 0 && ranges.isEmpty }
    /// The size of ``bytes`` and ``rangeRows``: of the change set once the rows of its ranges are read.
    public var byteCount: Int { writer.count + rangeBytes }

    /// Names the rows of `table` in this set's partition whose offset column lies in one of `offsets`,
    /// instead of carrying them; `rows` are those rows as upserts, as the writer encoded them, one for
    /// every offset of `offsets` (which is what makes the ranges exact: read back, they give these rows).
    public mutating func appendRanges(_ table: PartitionedTable, _ offsets: [Range<Int64>], rows: ChangeSet) {
        precondition(table.offsetColumn != nil, "\(table.name) has no offset column to name its rows by")
        for range in offsets {
            if let last = ranges.last, last.table == table.name, last.to == range.lowerBound {
                ranges[ranges.count - 1].to = range.upperBound
            } else {
                ranges.append(RowRange(table: table.name, from: range.lowerBound, to: range.upperBound))
            }
        }
        rangeRows.append(rows.bytes)
        rangeBytes += rows.byteCount
    }

    /// Starts a row that replaces the row with the same key: follow with one value per column of `table`.
    public mutating func upsert(_ table: PartitionedTable) {
        beginRow(table, .upsert, table.columns)
    }

    /// Starts a row that deletes the row with this key: follow with one value per key column of `table`.
    public mutating func delete(_ table: PartitionedTable) {
        beginRow(table, .delete, table.key)
    }

    /// Starts a row that merges into the row with the same key as `table.merges` says (or is inserted
    /// when there is none): follow with one value per column of `table`.
    public mutating func merge(_ table: PartitionedTable) {
        beginRow(table, .merge, table.columns)
    }

    @inlinable public mutating func append(_ value: Int64) {
        writer.append(byte: Tag.integer.rawValue)
        writer.append(signed: value)
    }

    /// `value`, or one byte that says so when `before`, this column's value in the row before of the
    /// section, is the same: the caller knows the row before (nil when it does not).
    @inlinable public mutating func append(_ value: Int64, before: Int64?) {
        if value == before && rowsInSection > 1 {
            writer.append(byte: Tag.same.rawValue)
        } else {
            append(value)
        }
    }

    /// `text`, or one byte that says so when `before`, this column's value in the row before of the
    /// section, has the same bytes: the caller knows the row before (nil when it does not). Bytes, not
    /// `==`, which takes "é" and "e\u{301}" for the same text where SQLite keeps two rows.
    @inlinable public mutating func append(_ text: String, before: String?) {
        if let before, rowsInSection > 1, text.utf8.elementsEqual(before.utf8) {
            writer.append(byte: Tag.same.rawValue)
        } else {
            append(text)
        }
    }

    @inlinable public mutating func append(_ value: Double) {
        writer.append(byte: Tag.real.rawValue)
        writer.append(fixed: value.bitPattern)
    }

    /// UTF-8 text, or null when `text` is nil.
    @inlinable public mutating func append(text: UnsafeRawBufferPointer?) {
        guard let text else { return appendNull() }
        writer.append(byte: Tag.text.rawValue)
        writer.append(lengthPrefixed: text)
    }

    @inlinable public mutating func append(_ text: String?) {
        guard let text else { return appendNull() }
        writer.append(byte: Tag.text.rawValue)
        writer.append(lengthPrefixed: text)
    }

    @inlinable public mutating func append(blob: UnsafeRawBufferPointer?) {
        guard let blob else { return appendNull() }
        writer.append(byte: Tag.blob.rawValue)
        writer.append(lengthPrefixed: blob)
    }

    @inlinable public mutating func appendNull() {
        writer.append(byte: Tag.null.rawValue)
    }

    public mutating func append(_ value: DatabaseValue) {
        switch value.storage {
        case .null: appendNull()
        case .int64(let value): append(value)
        case .double(let value): append(value)
        case .string(let value): append(value)
        case .blob(let data): data.withUnsafeBytes { append(blob: $0) }
        }
    }

    private mutating func beginRow(_ table: PartitionedTable, _ operation: Operation, _ columns: [String]) {
        if section?.table != table.name || section?.operation != operation {
            writer.append(byte: Item.section.rawValue)
            writer.append(byte: operation.rawValue)
            writer.append(lengthPrefixed: table.name)
            writer.append(varint: UInt64(columns.count))
            for column in columns { writer.append(lengthPrefixed: column) }
            if operation == .merge {
                for merge in table.merges { writer.append(byte: merge.rawValue) }
            }
            section = (table.name, operation)
            rowsInSection = 0
        }
        rowsInSection += 1
        writer.append(byte: Item.row.rawValue)
        rowCount += 1
    }
}

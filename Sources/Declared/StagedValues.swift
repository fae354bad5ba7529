
/// The declared fields' values of the messages a batch stages, flat: one ``Cell`` per field per message,
/// in the file's order, their text in one byte buffer. Nothing in it is reference-counted, so staging
/// allocates nothing per message and the batch is freed at once; text is bound to SQLite from the buffer
/// without a copy.
struct StagedValues: Sendable {
    /// One field's value.
    enum Cell: Sendable, Equatable {
        /// Absent or null in an optional field.
        case null
        /// An integer, digits, a decimal's units, a boolean (1 or 0), or a time in unix seconds.
        case integer(Int64)
        case real(Double)
        /// UTF-8 bytes in ``text``.
        case text(start: Int32, count: Int32)
    }

    private(set) var cells: [Cell] = []
    private(set) var text: [UInt8] = []

    /// Where the next message's cells and text start; ``truncate(to:)`` goes back to it.
    struct Mark {
        fileprivate var cells: Int
        fileprivate var text: Int
        /// The index of the message's first cell.
        var first: Int { cells }
    }

    var mark: Mark { Mark(cells: cells.count, text: text.count) }

    mutating func reserveCapacity(messages: Int, fields: Int) {
        cells.reserveCapacity(messages * fields)
        text.reserveCapacity(messages * fields * 12)
    }

    /// Adds `count` null cells, to be set by index.
    mutating func appendNulls(_ count: Int) {
        cells.append(contentsOf: repeatElement(.null, count: count))
    }

    mutating func set(_ cell: Cell, at index: Int) {
        cells[index] = cell
    }

    /// Copies `bytes` into the text buffer and sets the cell at `index` to them.
    mutating func setText(_ bytes: UnsafeRawBufferPointer, at index: Int) {
        let start = text.count
        text.append(contentsOf: bytes)
        cells[index] = .text(start: Int32(start), count: Int32(bytes.count))
    }

    /// Drops the cells and text added since `mark`.
    mutating func truncate(to mark: Mark) {
        cells.removeSubrange(mark.cells...)
        text.removeSubrange(mark.text...)
    }

    /// Calls `body` with the text buffer, whose slices the cells name.
    func withText<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try text.withUnsafeBytes(body)
    }

    /// The cell at `index` as a value that holds its own text.
    func value(at index: Int) -> DeclaredValue {
        switch cells[index] {
        case .null: .null
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        case .text(let start, let count): .text(String(decoding: text[Int(start)..<Int(start + count)], as: UTF8.self))
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes a text cell names.
    subscript(cell start: Int32, _ count: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[Int(start)..<Int(start + count)])
    }
}

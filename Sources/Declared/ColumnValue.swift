import Store

/// One column's value as it is bound to SQLite or written into a change set, its text read in place: from a
/// message's staged cells, a measure, or the key bytes ``WindowRows`` keeps its rows' groups in. Those bytes
/// are a tag (0 null, 1 integer, 2 real, 3 text) and the value (8 bytes, or a 4-byte length and the UTF-8
/// bytes). Equal values have equal bytes (-0.0 is written as 0.0), and texts are equal only when their bytes
/// are, as SQLite compares a key's text (Swift's `==` takes "é" and "e\u{301}" for one).
enum ColumnValue {
    case null
    case integer(Int64)
    case real(Double)
    /// Valid while the bytes it was read from are.
    case text(UnsafeRawBufferPointer)

    private enum Tag: UInt8 {
        case null = 0, integer, real, text
    }

    /// The value of `cell`, its text in `text` (the buffer ``StagedValues/withText(_:)`` gives).
    init(_ cell: StagedValues.Cell, text: UnsafeRawBufferPointer) {
        switch cell {
        case .null: self = .null
        case .integer(let value): self = .integer(value)
        case .real(let value): self = .real(value)
        case .text(let start, let count): self = .text(text[cell: start, count])
        }
    }

    /// Appends the value's encoding to `bytes`.
    func encode(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(Tag.null.rawValue)
        case .integer(let value): Self.append(.integer, value.littleEndian, to: &bytes)
        // -0.0 as 0.0: equal numbers, one key to SQLite.
        case .real(let value): Self.append(.real, (value == 0 ? 0 : value).bitPattern.littleEndian, to: &bytes)
        case .text(let text):
            Self.append(.text, UInt32(text.count).littleEndian, to: &bytes)
            bytes.append(contentsOf: text)
        }
    }

    /// The encoding of a field's default (`missing`), used where a message has no value.
    static func encoded(_ value: DeclaredValue) -> [UInt8] {
        var bytes: [UInt8] = []
        switch value {
        case .null: ColumnValue.null.encode(to: &bytes)
        case .integer(let integer): ColumnValue.integer(integer).encode(to: &bytes)
        case .real(let real): ColumnValue.real(real).encode(to: &bytes)
        case .text(var text): text.withUTF8 { ColumnValue.text(UnsafeRawBufferPointer($0)).encode(to: &bytes) }
        }
        return bytes
    }

    private static func append<T: FixedWidthInteger>(_ tag: Tag, _ value: T, to bytes: inout [UInt8]) {
        bytes.append(tag.rawValue)
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with each value encoded in `bytes`, in order.
    static func forEach(in bytes: UnsafeRawBufferPointer, _ body: (ColumnValue) throws -> Void) rethrows {
        var position = 0
        func fixed<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { position += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        }
        while position < bytes.count {
            let tag = Tag(rawValue: bytes[position])!
            position += 1
            switch tag {
            case .null: try body(.null)
            case .integer: try body(.integer(fixed(Int64.self)))
            case .real: try body(.real(Double(bitPattern: fixed(UInt64.self))))
            case .text:
                let count = Int(fixed(UInt32.self))
                try body(.text(UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])))
                position += count
            }
        }
    }

    /// Binds the value to parameter `index` (text in place: its bytes must outlive the statement's run).
    func bind(to statement: BatchStatement, at index: Int32) {
        switch self {
        case .null: statement.bind(nil as Int64?, at: index)
        case .integer(let value): statement.bind(value, at: index)
        case .real(let value): statement.bind(value, at: index)
        case .text(let text): statement.bind(text: text, at: index)
        }
    }

    /// Appends the value to a change set's row.
    func append(to set: inout ChangeSet) {
        switch self {
        case .null: set.appendNull()
        case .integer(let value): set.append(value)
        case .real(let value): set.append(value)
        case .text(let text): set.append(text: text)
        }
    }
}

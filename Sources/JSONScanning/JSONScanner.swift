// A byte-level JSON scanner (RFC 8259) over borrowed memory.
//
// It validates as it goes — UTF-8 inside strings, escapes, numbers, literals,
// nesting — and allocates nothing on the success path except when a string with
// escapes is decoded (into one reusable buffer). A caller such as Logins'
// `LoginEventParser` drives it through a document and decides what the values mean.
//
// The hot path is `@inlinable`, so that it is compiled into the caller's module and
// optimized there as if it were the caller's own code; the cold paths (errors,
// escapes, nested containers) stay behind a call.

/// Scans JSON text held in borrowed memory, one token or value at a time.
///
/// `position` is the byte offset of the next unread byte. The memory must stay valid and unchanged
/// while the scanner, or a `JSONStringToken` it returned, is in use.
public struct JSONScanner {
    /// Containers may nest this deep, the top-level value counting as depth 1.
    @inlinable public static var maxDepth: Int { 512 }

    /// The first byte of the text.
    public let base: UnsafeRawPointer
    /// The number of bytes in the text.
    public let count: Int
    /// The offset of the next byte to read.
    public var position: Int
    /// Decoded bytes of the last string with escapes passed to `decode(_:)`.
    @usableFromInline var scratch: [UInt8]

    /// A scanner at the start of `buffer`, which must not be empty.
    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count > 0, "JSONScanner needs at least one byte")
        base = buffer.baseAddress!
        count = buffer.count
        position = 0
        scratch = []
    }

    /// The byte at offset `i`, which must be inside the text.
    @inlinable @inline(__always)
    public func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    /// Whether every byte has been read.
    @inlinable
    public var isAtEnd: Bool { position >= count }

    // MARK: Errors (cold)

    /// A "not JSON" error saying `detail` at `offset`.
    @inline(never)
    public func syntaxError(_ detail: String, at offset: Int) -> JSONScanError {
        JSONScanError(kind: .notJSON, detail: detail, offset: offset)
    }

    /// "unexpected end of input" at the end of the text.
    @inline(never)
    public func endOfInput() -> JSONScanError {
        JSONScanError(kind: .notJSON, detail: "unexpected end of input", offset: count)
    }

    /// "unexpected 'x', expected ..." at `offset` (which must be inside the text).
    @inline(never)
    public func unexpected(at offset: Int, expected: String) -> JSONScanError {
        syntaxError("unexpected \(JSONByte.describe(byte(offset))), expected \(expected)", at: offset)
    }

    // MARK: Whitespace

    /// Moves `position` past spaces, tabs, line feeds and carriage returns.
    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        while position < count {
            let c = byte(position)
            guard c <= JSONByte.space,
                c == JSONByte.space || c == JSONByte.newline || c == JSONByte.carriageReturn || c == JSONByte.tab
            else { return }
            position += 1
        }
    }

    /// Skips whitespace and returns the byte after it, which stays unconsumed.
    /// - Throws: `JSONScanError` at the end of the input.
    @inlinable @inline(__always)
    public mutating func peekToken() throws(JSONScanError) -> UInt8 {
        skipWhitespace()
        guard position < count else { throw endOfInput() }
        return byte(position)
    }

    /// Skips the whitespace after the last value.
    /// - Throws: `JSONScanError` when anything else follows.
    @inlinable @inline(__always)
    public mutating func scanEnd() throws(JSONScanError) {
        skipWhitespace()
        guard isAtEnd else { throw unexpected(at: position, expected: "nothing after the JSON value") }
    }
}

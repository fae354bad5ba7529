// A byte-level JSON scanner (RFC 8259) over borrowed memory.
//
// It validates as it goes — UTF-8 inside strings, escapes, numbers, literals,
// nesting — and allocates nothing on the success path except when a string with
// escapes is decoded (into one reusable buffer). `LoginEventParser` drives it
// through the top-level object and decides what the fields mean.

/// The kind of a JSON value.
enum JSONValueKind: Sendable, Equatable {
    case object, array, string, number, boolean, null

    var name: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .boolean: "boolean"
        case .null: "null"
        }
    }
}

/// Why the bytes are not JSON, or not UTF-8.
struct JSONScanError: Error, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case notUTF8, notJSON
    }

    var kind: Kind
    /// What is wrong, e.g. "unexpected end of input".
    var detail: String
    /// Byte offset into the value where the problem was found.
    var offset: Int

    /// "not JSON: trailing comma at byte 17", "not UTF-8: invalid byte 0xFF at byte 12".
    var reason: String {
        switch kind {
        case .notUTF8: "not UTF-8: \(detail) at byte \(offset)"
        case .notJSON: "not JSON: \(detail) at byte \(offset)"
        }
    }
}

/// A scanned JSON string: the bytes between its quotes, and whether they contain escapes.
struct JSONStringToken: Sendable {
    var start: Int
    var end: Int
    var hasEscapes: Bool
}

/// ASCII bytes the scanner cares about.
enum JSONByte {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let slash: UInt8 = 0x2F  // /
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }

    /// "'x'" for printable ASCII, "byte 0xNN" otherwise.
    static func describe(_ c: UInt8) -> String {
        if c > 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte \(hex(c))"
    }

    /// "0x0A".
    static func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(c >> 4)], digits[Int(c & 0xF)]], as: UTF8.self)
    }
}

/// UTF-8 validation (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
enum JSONUTF8 {
    // Negative results of `sequenceLength`.
    static let strayContinuation = -1
    static let overlong = -2
    static let surrogate = -3
    static let aboveMax = -4
    static let invalidByte = -5
    static let truncated = -6
    static let missingContinuation = -7

    /// The length of the well-formed sequence at `i` (1...4), or a negative problem code.
    @inline(__always)
    static func sequenceLength(_ p: UnsafeRawPointer, count: Int, at i: Int) -> Int {
        @inline(__always) func at(_ k: Int) -> UInt8 { p.load(fromByteOffset: k, as: UInt8.self) }
        @inline(__always) func isContinuation(_ c: UInt8) -> Bool { c & 0xC0 == 0x80 }
        let b0 = at(i)
        if b0 < 0x80 { return 1 }
        if b0 < 0xC0 { return strayContinuation }
        if b0 < 0xC2 { return overlong }
        if b0 < 0xE0 {
            guard i + 1 < count else { return truncated }
            return isContinuation(at(i + 1)) ? 2 : missingContinuation
        }
        if b0 < 0xF0 {
            guard i + 1 < count else { return truncated }
            let b1 = at(i + 1)
            guard isContinuation(b1) else { return missingContinuation }
            if b0 == 0xE0 && b1 < 0xA0 { return overlong }
            if b0 == 0xED && b1 >= 0xA0 { return surrogate }
            guard i + 2 < count else { return truncated }
            return isContinuation(at(i + 2)) ? 3 : missingContinuation
        }
        if b0 < 0xF5 {
            guard i + 1 < count else { return truncated }
            let b1 = at(i + 1)
            guard isContinuation(b1) else { return missingContinuation }
            if b0 == 0xF0 && b1 < 0x90 { return overlong }
            if b0 == 0xF4 && b1 >= 0x90 { return aboveMax }
            guard i + 2 < count else { return truncated }
            guard isContinuation(at(i + 2)) else { return missingContinuation }
            guard i + 3 < count else { return truncated }
            return isContinuation(at(i + 3)) ? 4 : missingContinuation
        }
        return b0 < 0xF8 ? aboveMax : invalidByte
    }

    /// The error for problem `code` (from `sequenceLength`) at offset `i`.
    static func error(_ code: Int, in p: UnsafeRawPointer, at i: Int) -> JSONScanError {
        let lead = JSONByte.hex(p.load(fromByteOffset: i, as: UInt8.self))
        let detail: String
        switch code {
        case strayContinuation: detail = "unexpected continuation byte \(lead)"
        case overlong: detail = "overlong encoding starting with \(lead)"
        case surrogate: detail = "UTF-16 surrogate encoded as UTF-8 starting with \(lead)"
        case aboveMax: detail = "code point above U+10FFFF starting with \(lead)"
        case truncated: detail = "truncated multi-byte sequence starting with \(lead)"
        case missingContinuation: detail = "incomplete multi-byte sequence starting with \(lead)"
        default: detail = "invalid byte \(lead)"
        }
        return JSONScanError(kind: .notUTF8, detail: detail, offset: i)
    }

    /// The first place where `buffer` is not UTF-8, or nil when all of it is.
    static func firstError(in p: UnsafeRawPointer, count: Int) -> JSONScanError? {
        var i = 0
        while i < count {
            if i + 8 <= count, p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let n = sequenceLength(p, count: count, at: i)
            if n < 0 { return error(n, in: p, at: i) }
            i += n
        }
        return nil
    }
}

/// Scans JSON text held in borrowed memory. `position` is a byte offset into it.
struct JSONObjectScanner {
    /// Containers may nest this deep, the top-level value counting as depth 1.
    static let maxDepth = 512

    let base: UnsafeRawPointer
    let count: Int
    var position = 0
    /// Decoded bytes of the last string with escapes passed to `decode(_:)`.
    var scratch: [UInt8] = []

    /// `buffer` must not be empty.
    init(_ buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count > 0, "JSONObjectScanner needs at least one byte")
        base = buffer.baseAddress!
        count = buffer.count
    }

    @inline(__always)
    func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    var isAtEnd: Bool { position >= count }

    // MARK: Errors (cold)

    @inline(never)
    func syntaxError(_ detail: String, at offset: Int) -> JSONScanError {
        JSONScanError(kind: .notJSON, detail: detail, offset: offset)
    }

    @inline(never)
    func endOfInput() -> JSONScanError {
        JSONScanError(kind: .notJSON, detail: "unexpected end of input", offset: count)
    }

    /// "unexpected 'x', expected ..." at `offset` (which must be inside the buffer).
    @inline(never)
    func unexpected(at offset: Int, expected: String) -> JSONScanError {
        syntaxError("unexpected \(JSONByte.describe(byte(offset))), expected \(expected)", at: offset)
    }

    // MARK: Whitespace

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            let c = byte(position)
            guard c <= JSONByte.space,
                c == JSONByte.space || c == JSONByte.newline || c == JSONByte.carriageReturn || c == JSONByte.tab
            else { return }
            position += 1
        }
    }

    /// Skips whitespace and returns the byte after it, which stays unconsumed; throws at the end of the input.
    @inline(__always)
    mutating func peekToken() throws(JSONScanError) -> UInt8 {
        skipWhitespace()
        guard position < count else { throw endOfInput() }
        return byte(position)
    }

    // MARK: Strings

    /// True when none of the 8 bytes in `w` is a quote, a backslash, a control character or non-ASCII.
    @inline(__always)
    static func isPlainStringWord(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* UInt64(JSONByte.quote))
        let b = w ^ (ones &* UInt64(JSONByte.backslash))
        let hasQuote = (q &- ones) & ~q
        let hasBackslash = (b &- ones) & ~b
        let hasControl = (w &- ones &* 0x20) & ~w
        return (hasQuote | hasBackslash | hasControl | w) & highs == 0
    }

    /// Scans the string whose opening quote is at `position`, validating escapes and UTF-8,
    /// and leaves `position` after its closing quote.
    @inline(__always)
    mutating func scanString() throws(JSONScanError) -> JSONStringToken {
        let start = position + 1
        var i = start
        var hasEscapes = false
        while true {
            while i + 8 <= count, Self.isPlainStringWord(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
            }
            guard i < count else { throw endOfInput() }
            let c = byte(i)
            if c == JSONByte.quote {
                position = i + 1
                return JSONStringToken(start: start, end: i, hasEscapes: hasEscapes)
            } else if c == JSONByte.backslash {
                hasEscapes = true
                i = try validateEscape(at: i)
            } else if c < 0x20 {
                throw syntaxError("unescaped control character \(JSONByte.hex(c)) in string", at: i)
            } else if c >= 0x80 {
                let n = JSONUTF8.sequenceLength(base, count: count, at: i)
                if n < 0 { throw JSONUTF8.error(n, in: base, at: i) }
                i += n
            } else {
                i += 1
            }
        }
    }

    /// Checks the escape whose backslash is at `i`; returns the offset after it.
    mutating func validateEscape(at i: Int) throws(JSONScanError) -> Int {
        guard i + 1 < count else { throw endOfInput() }
        switch byte(i + 1) {
        case JSONByte.quote, JSONByte.backslash, JSONByte.slash,
            UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: i + 2, escapeAt: i)
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw syntaxError("lone surrogate escape \\u\(hexUnit(unit))", at: i)
            }
            guard unit >= 0xD800 && unit <= 0xDBFF else { return i + 6 }
            // A high surrogate must be followed by an escaped low surrogate.
            guard i + 6 < count else { throw endOfInput() }
            if byte(i + 6) == JSONByte.backslash {
                guard i + 7 < count else { throw endOfInput() }
                if byte(i + 7) == UInt8(ascii: "u") {
                    let low = try hex4(at: i + 8, escapeAt: i + 6)
                    if low >= 0xDC00 && low <= 0xDFFF { return i + 12 }
                }
            }
            throw syntaxError("lone surrogate escape \\u\(hexUnit(unit))", at: i)
        default:
            let c = byte(i + 1)
            let shown = c > 0x20 && c < 0x7F ? "'\\\(Character(Unicode.Scalar(c)))'" : "(backslash followed by byte \(JSONByte.hex(c)))"
            throw syntaxError("invalid escape \(shown)", at: i)
        }
    }

    private func hexUnit(_ unit: UInt32) -> String {
        let s = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// The four hex digits at `i` of the \u escape at `escapeAt`.
    @inline(__always)
    func hex4(at i: Int, escapeAt: Int) throws(JSONScanError) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            guard i + k < count else { throw endOfInput() }
            let c = byte(i + k)
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c &- 0x30
            case 0x41...0x46: digit = c &- 0x37
            case 0x61...0x66: digit = c &- 0x57
            default: throw syntaxError("invalid \\u escape (needs four hex digits)", at: escapeAt)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Decodes a string token that has escapes into `scratch`. The token must come from `scanString()`.
    mutating func decode(_ token: JSONStringToken) {
        scratch.removeAll(keepingCapacity: true)
        var i = token.start
        var run = i
        while i < token.end {
            guard byte(i) == JSONByte.backslash else {
                i += 1
                continue
            }
            appendRaw(from: run, to: i)
            let e = byte(i + 1)
            switch e {
            case UInt8(ascii: "b"): scratch.append(0x08); i += 2
            case UInt8(ascii: "f"): scratch.append(0x0C); i += 2
            case UInt8(ascii: "n"): scratch.append(0x0A); i += 2
            case UInt8(ascii: "r"): scratch.append(0x0D); i += 2
            case UInt8(ascii: "t"): scratch.append(0x09); i += 2
            case UInt8(ascii: "u"):
                var scalar = validHex4(at: i + 2)
                i += 6
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = validHex4(at: i + 2)
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar)
            default:  // " \ /
                scratch.append(e)
                i += 2
            }
            run = i
        }
        appendRaw(from: run, to: token.end)
    }

    /// Four hex digits already checked by `hex4`.
    @inline(__always)
    private func validHex4(at i: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = byte(i + k)
            let digit = c <= 0x39 ? c &- 0x30 : (c | 0x20) &- 0x57
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendRaw(from start: Int, to end: Int) {
        guard end > start else { return }
        scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The string's value. The token must come from `scanString()`.
    mutating func string(_ token: JSONStringToken) -> String {
        if token.hasEscapes {
            decode(token)
            return String(decoding: scratch, as: UTF8.self)
        }
        let n = token.end - token.start
        let source = base + token.start
        return String(unsafeUninitializedCapacity: n) { buffer in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: source, count: n))
            return n
        }
    }

    /// Calls `body` with the string's value as UTF-8 bytes. The token must come from `scanString()`.
    mutating func withUTF8<R>(_ token: JSONStringToken, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if token.hasEscapes {
            decode(token)
            return scratch.withUnsafeBytes(body)
        }
        return body(UnsafeRawBufferPointer(start: base + token.start, count: token.end - token.start))
    }

    // MARK: Numbers and literals

    /// Scans the number at `position` (a '-' or a digit) and leaves `position` after it.
    mutating func scanNumber() throws(JSONScanError) {
        var i = position
        if byte(i) == JSONByte.minus {
            i += 1
            guard i < count else { throw endOfInput() }
        }
        let first = byte(i)
        if first == JSONByte.zero {
            i += 1
            if i < count && JSONByte.isDigit(byte(i)) { throw syntaxError("leading zero in number", at: i - 1) }
        } else if JSONByte.isDigit(first) {
            i += 1
            while i < count && JSONByte.isDigit(byte(i)) { i += 1 }
        } else {
            throw unexpected(at: i, expected: "a digit after '-'")
        }
        if i < count && byte(i) == JSONByte.dot {
            i += 1
            guard i < count else { throw endOfInput() }
            guard JSONByte.isDigit(byte(i)) else { throw unexpected(at: i, expected: "a digit after '.'") }
            while i < count && JSONByte.isDigit(byte(i)) { i += 1 }
        }
        if i < count && byte(i) | 0x20 == UInt8(ascii: "e") {
            i += 1
            guard i < count else { throw endOfInput() }
            if byte(i) == JSONByte.plus || byte(i) == JSONByte.minus {
                i += 1
                guard i < count else { throw endOfInput() }
            }
            guard JSONByte.isDigit(byte(i)) else { throw unexpected(at: i, expected: "a digit in the exponent") }
            while i < count && JSONByte.isDigit(byte(i)) { i += 1 }
        }
        position = i
    }

    /// Scans `true`, `false` or `null` at `position`.
    mutating func scanLiteral(_ literal: StaticString) throws(JSONScanError) {
        let n = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for k in 0..<n {
            guard position + k < count else { throw endOfInput() }
            guard byte(position + k) == expected[k] else {
                throw syntaxError("invalid literal (expected \(literal))", at: position)
            }
        }
        position += n
    }

    // MARK: Values

    /// Skips the value at `position` (whitespace already skipped, not at the end), validating all of it.
    /// `depth` is the nesting depth of the container holding the value (0 at the top level).
    @inline(__always)
    mutating func skipValue(depth: Int) throws(JSONScanError) -> JSONValueKind {
        let c = byte(position)
        if c == JSONByte.openBrace || c == JSONByte.openBracket {
            try skipContainer(depth: depth)
            return c == JSONByte.openBrace ? .object : .array
        }
        return try skipScalar()
    }

    /// Skips a string, number or literal at `position`.
    @inline(__always)
    mutating func skipScalar() throws(JSONScanError) -> JSONValueKind {
        switch byte(position) {
        case JSONByte.quote:
            _ = try scanString()
            return .string
        case JSONByte.minus, JSONByte.zero...JSONByte.nine:
            try scanNumber()
            return .number
        case UInt8(ascii: "t"):
            try scanLiteral("true")
            return .boolean
        case UInt8(ascii: "f"):
            try scanLiteral("false")
            return .boolean
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            return .null
        default:
            throw unexpected(at: position, expected: "a value")
        }
    }

    /// Skips the object or array at `position` without recursion: the kinds of the open
    /// containers live in a stack of at most `maxDepth` entries on the machine stack.
    mutating func skipContainer(depth: Int) throws(JSONScanError) {
        try withUnsafeTemporaryAllocation(of: Bool.self, capacity: Self.maxDepth) {
            (isObject: UnsafeMutableBufferPointer<Bool>) throws(JSONScanError) in
            try skipContainer(depth: depth, isObject: isObject)
        }
    }

    private enum SkipState {
        case afterOpen, value, afterValue
    }

    private mutating func skipContainer(depth: Int, isObject: UnsafeMutableBufferPointer<Bool>) throws(JSONScanError) {
        var open = 0  // containers opened and not yet closed
        var state = SkipState.value
        while true {
            switch state {
            case .value:
                let c = try peekToken()
                if c == JSONByte.openBrace || c == JSONByte.openBracket {
                    guard depth + open < Self.maxDepth else {
                        throw syntaxError("nesting deeper than \(Self.maxDepth) levels", at: position)
                    }
                    isObject[open] = c == JSONByte.openBrace
                    open += 1
                    position += 1
                    state = .afterOpen
                } else {
                    _ = try skipScalar()
                    state = .afterValue
                }
            case .afterOpen:
                let c = try peekToken()
                if c == (isObject[open - 1] ? JSONByte.closeBrace : JSONByte.closeBracket) {
                    position += 1
                    open -= 1
                    if open == 0 { return }
                    state = .afterValue
                } else {
                    if isObject[open - 1] { try scanMemberName() }
                    state = .value
                }
            case .afterValue:
                let c = try peekToken()
                let inObject = isObject[open - 1]
                let close = inObject ? JSONByte.closeBrace : JSONByte.closeBracket
                if c == JSONByte.comma {
                    position += 1
                    if try peekToken() == close { throw syntaxError("trailing comma", at: position) }
                    if inObject { try scanMemberName() }
                    state = .value
                } else if c == close {
                    position += 1
                    open -= 1
                    if open == 0 { return }
                } else {
                    throw unexpected(at: position, expected: inObject ? "',' or '}'" : "',' or ']'")
                }
            }
        }
    }

    /// Scans `"name" :` inside an object, leaving `position` after the colon.
    @discardableResult @inline(__always)
    mutating func scanMemberName() throws(JSONScanError) -> JSONStringToken {
        guard try peekToken() == JSONByte.quote else { throw unexpected(at: position, expected: "a string key") }
        let name = try scanString()
        guard try peekToken() == JSONByte.colon else { throw unexpected(at: position, expected: "':' after the key") }
        position += 1
        return name
    }
}

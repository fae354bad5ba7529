extension JSONScanner {
    /// True when none of the 8 bytes in `w` is a quote, a backslash, a control character or non-ASCII.
    @inlinable @inline(__always)
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
    /// - Throws: `JSONScanError` when the string is not valid JSON or not UTF-8.
    @inlinable @inline(__always)
    public mutating func scanString() throws(JSONScanError) -> JSONStringToken {
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
    @usableFromInline
    func validateEscape(at i: Int) throws(JSONScanError) -> Int {
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
    private func hex4(at i: Int, escapeAt: Int) throws(JSONScanError) -> UInt32 {
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

    /// Scans `"name" :` inside an object, leaving `position` after the colon.
    /// - Returns: the name's token.
    /// - Throws: `JSONScanError` when no string key and colon come next.
    @discardableResult @inlinable @inline(__always)
    public mutating func scanMemberName() throws(JSONScanError) -> JSONStringToken {
        guard try peekToken() == JSONByte.quote else { throw unexpected(at: position, expected: "a string key") }
        let name = try scanString()
        guard try peekToken() == JSONByte.colon else { throw unexpected(at: position, expected: "':' after the key") }
        position += 1
        return name
    }
}

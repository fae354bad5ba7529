extension JSONScanner {
    /// Skips the value at `position` (whitespace already skipped, not at the end), validating all of it.
    /// - Parameter depth: the nesting depth of the container holding the value (0 at the top level).
    /// - Returns: the kind of the value skipped.
    /// - Throws: `JSONScanError` when the value is not valid JSON or not UTF-8.
    @inlinable @inline(__always)
    public mutating func skipValue(depth: Int) throws(JSONScanError) -> JSONValueKind {
        let c = byte(position)
        if c == JSONByte.openBrace || c == JSONByte.openBracket {
            try skipContainer(depth: depth)
            return c == JSONByte.openBrace ? .object : .array
        }
        return try skipScalar()
    }

    /// Skips a string, number or literal at `position`.
    /// - Throws: `JSONScanError` when no valid scalar starts there.
    @inlinable @inline(__always)
    public mutating func skipScalar() throws(JSONScanError) -> JSONValueKind {
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

    /// Scans the number at `position` (a '-' or a digit) and leaves `position` after it.
    /// - Throws: `JSONScanError` when the number breaks RFC 8259's grammar.
    @inlinable
    public mutating func scanNumber() throws(JSONScanError) {
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

    /// Scans `literal` (`true`, `false` or `null`) at `position`.
    /// - Throws: `JSONScanError` when other bytes are there.
    @inlinable
    public mutating func scanLiteral(_ literal: StaticString) throws(JSONScanError) {
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

    /// Skips the object or array at `position` without recursion: the kinds of the open
    /// containers live in a stack of at most `maxDepth` entries on the machine stack.
    @usableFromInline
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
}

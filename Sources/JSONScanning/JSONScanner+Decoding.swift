extension JSONScanner {
    /// The string's value. The token must come from `scanString()` on this scanner.
    @inlinable
    public mutating func string(_ token: JSONStringToken) -> String {
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

    /// Calls `body` with the string's value as UTF-8 bytes, which are valid only during the call.
    /// The token must come from `scanString()` on this scanner.
    @inlinable
    public mutating func withUTF8<R>(_ token: JSONStringToken, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if token.hasEscapes {
            decode(token)
            return scratch.withUnsafeBytes(body)
        }
        return body(UnsafeRawBufferPointer(start: base + token.start, count: token.end - token.start))
    }

    /// Decodes a string token that has escapes into `scratch`. The token must come from `scanString()`.
    @usableFromInline
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

    /// Four hex digits already checked by `scanString()`.
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
}

/// UTF-8 validation (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
public enum JSONUTF8 {
    // Negative results of `sequenceLength`.
    @inlinable static var strayContinuation: Int { -1 }
    @inlinable static var overlong: Int { -2 }
    @inlinable static var surrogate: Int { -3 }
    @inlinable static var aboveMax: Int { -4 }
    @inlinable static var invalidByte: Int { -5 }
    @inlinable static var truncated: Int { -6 }
    @inlinable static var missingContinuation: Int { -7 }

    /// The length of the well-formed sequence at `i` (1...4), or a negative problem code.
    @inlinable @inline(__always)
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
    @usableFromInline @inline(never)
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

    /// The first place where the `count` bytes at `p` are not UTF-8, or nil when all of them are.
    public static func firstError(in p: UnsafeRawPointer, count: Int) -> JSONScanError? {
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

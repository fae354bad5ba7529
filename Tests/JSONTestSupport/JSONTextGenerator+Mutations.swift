extension JSONTextGenerator {
    /// `text` with one to three mutations.
    public mutating func mutated(_ text: [UInt8]) -> [UInt8] {
        var out = text
        for _ in 0..<1 + random.below(3) {
            let at = random.below(out.count + 1)
            switch random.below(10) {
            case 0: out = Array(out.prefix(at))
            case 1: if at < out.count { out[at] = UInt8(truncatingIfNeeded: random.next()) }
            case 2: if at < out.count { out[at] = random.pick(Self.interestingBytes) }
            case 3: out.insert(contentsOf: random.pick(Self.snippets), at: at)
            case 4: out.insert(contentsOf: random.pick(Self.invalidUTF8), at: insideAString(out) ?? at)
            case 5: if at < out.count { out.removeSubrange(at..<min(out.count, at + 1 + random.below(4))) }
            case 6:
                let end = min(out.count, at + 1 + random.below(8))
                out.insert(contentsOf: out[at..<end], at: end)
            case 7:
                let byte = UInt8(truncatingIfNeeded: random.next())
                out += whitespace() + random.pick([value(depth: 3), [0x2C], random.pick(Self.snippets), [byte]])
            case 8: insertTrailingComma(&out)
            default: out = Array(out.prefix(at)) + random.pick(Self.snippets) + out.dropFirst(at)
            }
        }
        return out
    }

    /// Bytes that matter to a JSON reader, and bytes at the edges of UTF-8.
    static let interestingBytes: [UInt8] =
        Array(#"{}[],:"\0123456789-+.eEtfnu /'"#.utf8) + [
            0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5,
            0xFE, 0xFF,
        ]

    /// Short texts that are often almost right.
    static let snippets: [[UInt8]] =
        [
            ",", ",]", ",}", "]", "}", "[", "{", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\ud800\\u0041",
            "\\uD83D\\uDE00", "\\x", "0", "-", ".", "e", "01", "-0", "1.", ".5", "1e", "+1", "NaN", "Infinity", "tru",
            "nul", "//c", "'a'", "\u{FEFF}", "\u{2028}", "1e400", "-1e309", "9999999999999999999999", " ", "\t", ":",
            "\"a\":1",
        ].map { Array($0.utf8) } + [[0xEF, 0xBB, 0xBF], [0x00], [0xFF, 0xFE]]

    /// Sequences that are not UTF-8: a stray continuation, overlongs, encoded surrogates, above U+10FFFF,
    /// truncated and broken sequences, bytes that never occur.
    static let invalidUTF8: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0xC2], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0xC2, 0x41], [0xE2, 0x28, 0xA1], [0xF0, 0x9F, 0x28, 0x80],
    ]

    /// An offset just after some string's opening quote in `text`, if it has one.
    private mutating func insideAString(_ text: [UInt8]) -> Int? {
        let quotes = text.indices.filter { text[$0] == 0x22 }
        return quotes.isEmpty ? nil : random.pick(quotes) + 1
    }

    /// Puts a comma before some closing bracket or brace of `text`.
    private mutating func insertTrailingComma(_ text: inout [UInt8]) {
        let closers = text.indices.filter { text[$0] == 0x5D || text[$0] == 0x7D }
        guard !closers.isEmpty else { return }
        text.insert(contentsOf: [0x2C] + whitespace(), at: random.pick(closers))
    }
}

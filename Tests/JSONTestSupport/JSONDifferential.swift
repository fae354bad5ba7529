import Foundation
import JSONScanning

/// Compares a JSON reader with an independent one: Foundation's `JSONSerialization` (fragments allowed).
///
/// JSONSerialization differs from RFC 8259, and so from `JSONScanner`, by design in exactly these ways.
/// Each is recognised here from the bytes alone (never by asking the reader under test) and reconciled,
/// so that the rest of the input is still compared:
///
/// 1. Encodings. It guesses UTF-16 or UTF-32 from a byte order mark or from zero bytes among the first
///    four bytes, and skips a UTF-8 byte order mark (EF BB BF). RFC 8259 §8.1: JSON exchanged between
///    systems MUST be UTF-8 and senders MUST NOT add a byte order mark (parsers MAY ignore one); the scanner
///    reads UTF-8 only and rejects a BOM (U+FEFF is not JSON whitespace). So JSONSerialization is always
///    handed the text behind a UTF-8 BOM, which makes it read UTF-8 and nothing else; an input that starts
///    with a BOM must be rejected by the reader, and the text after that BOM is compared as well.
/// 2. Trailing commas. It accepts a comma after the last element or member (`[1,]`, `{"a":1,}`); RFC
///    8259's grammar does not. Such commas are found lexically (outside strings, after a token that is
///    not `[ { , :`, before `]` or `}`): the reader must reject the text, the text without them is compared
///    as well, and JSONSerialization must give both the same verdict (so this is all the quirk does).
/// 3. Number range. It rejects a number whose value is beyond Double's range (`1e400`: "not
///    representable in Swift"); RFC 8259 §6 allows any (implementations may limit it; the scanner checks
///    the grammar only). Such numbers (RFC grammar, Double value infinite) are replaced by `0` for
///    JSONSerialization. (It converts numbers after it has built its dictionaries, so a huge number in a
///    member that a later member with the same key replaces is never converted and passes.)
///
/// And one bug, in the values it decodes rather than in what it accepts:
///
/// 4. U+FEFF in strings. It drops a U+FEFF (EF BB BF) that opens a run of unescaped text in a string,
///    right after the opening quote or after an escape (`"\u{FEFF}a"` reads as "a", `"a\u{FEFF}"` keeps
///    it): it makes each run with `String(bytes:encoding: .utf8)`, which takes a leading U+FEFF for a byte
///    order mark. RFC 8259 §7 makes it a character like any other. Before decoded values are compared,
///    exactly those bytes are removed from the text the scanner reads.
public enum JSONDifferential {
    /// What one comparison found.
    public struct Outcome {
        /// Disagreements, in words; empty when the reader and JSONSerialization agree.
        public var problems: [String] = []
        /// Texts the reader accepted whose value is an object, each with JSONSerialization's dictionary,
        /// for the caller to compare the values it decodes.
        public var objects: [(text: [UInt8], object: [String: Any])] = []
    }

    /// Compares `accepts` (does the reader take these bytes as one JSON text?) with JSONSerialization on `bytes`.
    public static func compare(_ bytes: [UInt8], reader accepts: ([UInt8]) -> Bool) -> Outcome {
        var outcome = Outcome()
        let hasBOM = bytes.starts(with: utf8BOM)
        let text = hasBOM ? Array(bytes.dropFirst(utf8BOM.count)) : bytes
        let commas = trailingCommas(in: text)
        var withoutCommas = text
        for comma in commas.sorted(by: >) { withoutCommas.remove(at: comma) }
        let inRange = replacingHugeNumbers(in: withoutCommas)
        let oracle = value(of: inRange)
        if !commas.isEmpty, (value(of: text) == nil) != (value(of: withoutCommas) == nil) {
            outcome.problems.append("JSONSerialization judges the text differently without its trailing commas")
        }

        let expected = oracle != nil && !hasBOM && commas.isEmpty
        let verdict = accepts(bytes)
        if verdict != expected {
            let why =
                hasBOM ? " (a byte order mark)" : !commas.isEmpty ? " (trailing commas at \(commas.sorted()))" : ""
            outcome.problems.append(
                "the reader \(verdict ? "accepts" : "rejects") what it should \(expected ? "accept" : "reject")\(why)")
        }
        var accepted = verdict ? bytes : nil
        if hasBOM || !commas.isEmpty {
            let reconciled = accepts(withoutCommas)
            if reconciled != (oracle != nil) {
                outcome.problems.append(
                    "without the byte order mark and trailing commas, the reader \(reconciled ? "accepts" : "rejects") "
                        + "what JSONSerialization \(oracle != nil ? "accepts" : "rejects")")
            }
            accepted = reconciled ? withoutCommas : nil
        }
        if let accepted, let object = oracle as? [String: Any] {
            outcome.objects.append((accepted, object))
        }
        return outcome
    }

    /// Differences between the scanner's reading of a top-level object's members and JSONSerialization's.
    public static func compareMembers(of text: [UInt8], with object: [String: Any]) -> [String] {
        guard let members = JSONScanner.members(droppingRunOpeningBOMs(text)) else {
            return ["the scanner does not read an object"]
        }
        var problems: [String] = []
        if members.count != object.count {
            problems.append("\(members.count) members for the scanner, \(object.count) for JSONSerialization")
        }
        for (key, member) in members {
            guard let other = object[key] else {
                problems.append("member \(key.debugDescription) missing from JSONSerialization's object")
                continue
            }
            switch member {
            case .string(let bytes):
                if let text = other as? String, Array(text.utf8) == bytes { continue }
                problems.append("member \(key.debugDescription): scanner \(bytes), JSONSerialization \(other)")
            case .other(let kind):
                if (kind == .boolean ? .number : kind) == JSONDifferential.kind(of: other) { continue }
                problems.append("member \(key.debugDescription): scanner \(kind.name), JSONSerialization \(other)")
            }
        }
        return problems
    }

    // MARK: JSONSerialization

    private static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// JSONSerialization's value for `text` read as UTF-8 (behind a BOM, which settles the encoding), or nil.
    private static func value(of text: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(utf8BOM + text), options: [.fragmentsAllowed])
    }

    /// The kind of a value JSONSerialization made: `.number` for numbers and booleans (both NSNumber).
    private static func kind(of value: Any) -> JSONValueKind {
        switch value {
        case is String: .string
        case is NSNull: .null
        case is [Any]: .array
        case is [String: Any]: .object
        default: .number
        }
    }

    // MARK: Lexical view (quotes and backslashes only)

    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == JSONByte.space || c == JSONByte.tab || c == JSONByte.newline || c == JSONByte.carriageReturn
    }

    /// For each byte of `text`, whether it lies outside strings, as far as quotes and backslashes tell
    /// (an opening quote is outside, a closing one inside).
    private static func outsideStrings(_ text: [UInt8]) -> [Bool] {
        var outside = [Bool](repeating: false, count: text.count)
        var inString = false
        var i = 0
        while i < text.count {
            let c = text[i]
            if inString {
                if c == JSONByte.backslash { i += 1 } else if c == JSONByte.quote { inString = false }
            } else {
                outside[i] = true
                if c == JSONByte.quote { inString = true }
            }
            i += 1
        }
        return outside
    }

    /// `text` (which the scanner accepts) without the U+FEFF that JSONSerialization drops when it decodes
    /// a string: one that opens a run of unescaped text (difference 4). Decoded values are compared on this.
    public static func droppingRunOpeningBOMs(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var i = 0
        func skipBOM() {
            if text[i...].starts(with: utf8BOM) { i += utf8BOM.count }
        }
        while i < text.count {
            let c = text[i]
            out.append(c)
            i += 1
            if !inString {
                if c == JSONByte.quote {
                    inString = true
                    skipBOM()
                }
            } else if c == JSONByte.quote {
                inString = false
            } else if c == JSONByte.backslash {
                let length = text[i] == UInt8(ascii: "u") ? 5 : 1
                out += text[i..<i + length]
                i += length
                skipBOM()
            }
        }
        return out
    }

    /// Offsets of commas that follow a token other than `[ { , :` and come before `]` or `}`.
    private static func trailingCommas(in text: [UInt8]) -> Set<Int> {
        var commas = Set<Int>()
        var previous: UInt8?  // the last byte outside strings that is not whitespace
        var pending: Int?  // a comma after a complete token, waiting for what follows it
        let outside = outsideStrings(text)
        for i in 0..<text.count where outside[i] && !isWhitespace(text[i]) {
            let c = text[i]
            if let comma = pending, c == JSONByte.closeBracket || c == JSONByte.closeBrace { commas.insert(comma) }
            pending = nil
            if c == JSONByte.comma, let p = previous,
                p != JSONByte.openBracket && p != JSONByte.openBrace && p != JSONByte.comma && p != JSONByte.colon
            {
                pending = i
            }
            previous = c
        }
        return commas
    }

    /// `text` with every number that follows RFC 8259's grammar and rounds to an infinite Double written as `0`.
    private static func replacingHugeNumbers(in text: [UInt8]) -> [UInt8] {
        let outside = outsideStrings(text)
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            let c = text[i]
            guard outside[i], JSONByte.isDigit(c) || c == JSONByte.minus else {
                out.append(c)
                i += 1
                continue
            }
            let start = i
            while i < text.count, outside[i], isNumberByte(text[i]) { i += 1 }
            let run = Array(text[start..<i])
            let huge = isRFCNumber(run) && Double(String(decoding: run, as: UTF8.self))?.isInfinite == true
            out += huge ? [JSONByte.zero] : run
        }
        return out
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        JSONByte.isDigit(c) || c == JSONByte.minus || c == JSONByte.plus || c == JSONByte.dot
            || c | 0x20 == UInt8(ascii: "e")
    }

    /// Whether `run` is `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private static func isRFCNumber(_ run: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < run.count && JSONByte.isDigit(run[i]) { i += 1 }
            return i - start
        }
        if i < run.count && run[i] == JSONByte.minus { i += 1 }
        let integer = i
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || run[integer] != JSONByte.zero else { return false }
        if i < run.count && run[i] == JSONByte.dot {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < run.count && run[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < run.count && (run[i] == JSONByte.plus || run[i] == JSONByte.minus) { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == run.count
    }
}

/// Seeded random JSON-ish inputs: valid JSON texts of every kind (nesting up to and past the depth limit,
/// every escape, raw UTF-8 of every length, numbers of every shape, whitespace everywhere), about half of
/// them then mutated (truncated, bytes flipped, inserted or deleted, invalid UTF-8, trailing garbage...).
public struct JSONTextGenerator {
    public var random: TestRandom

    public init(seed: UInt64) {
        random = TestRandom(seed: seed)
    }

    /// The next input.
    public mutating func next() -> [UInt8] {
        let text: [UInt8]
        switch random.below(20) {
        case 0: text = deepNesting()
        case 1...11: text = object(depth: 1)
        default: text = value(depth: 0)
        }
        let framed = whitespace() + text + whitespace()
        return random.chance(45) ? framed : mutated(framed)
    }

    // MARK: Valid values

    /// A valid JSON value; containers nest at most 4 levels below `depth`.
    public mutating func value(depth: Int) -> [UInt8] {
        let containers = depth < 4 ? 2 : 0
        switch random.below(8 + containers) {
        case 0, 1: return string()
        case 2, 3: return number()
        case 4: return Array("true".utf8)
        case 5: return Array("false".utf8)
        case 6: return Array("null".utf8)
        case 7: return random.chance(50) ? Array("[]".utf8) : Array("{}".utf8)
        case 8: return array(depth: depth + 1)
        default: return object(depth: depth + 1)
        }
    }

    /// An object of up to 6 members at nesting `depth`, its keys sometimes repeated.
    public mutating func object(depth: Int) -> [UInt8] {
        var members: [(key: [UInt8], value: [UInt8])] = []
        for _ in 0..<random.below(7) {
            let key = !members.isEmpty && random.chance(10) ? random.pick(members).key : self.key()
            members.append((key, value(depth: depth)))
        }
        return object(members)
    }

    /// `members` (JSON strings and values) written as an object, with random whitespace between tokens.
    public mutating func object(_ members: [(key: [UInt8], value: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [0x7B] + whitespace()
        for (i, member) in members.enumerated() {
            if i > 0 { out += [0x2C] + whitespace() }
            out += member.key + whitespace() + [0x3A] + whitespace() + member.value + whitespace()
        }
        return out + [0x7D]
    }

    private mutating func array(depth: Int) -> [UInt8] {
        var out: [UInt8] = [0x5B] + whitespace()
        for i in 0..<random.below(6) {
            if i > 0 { out += [0x2C] + whitespace() }
            out += value(depth: depth) + whitespace()
        }
        return out + [0x5D]
    }

    /// Containers nested 505...520 deep, around the limit of 512 that both readers share.
    private mutating func deepNesting() -> [UInt8] {
        let depth = 505 + random.below(16)
        let inner = random.chance(50) ? value(depth: 4) : []
        if random.chance(50) {
            return Array(repeating: 0x5B, count: depth) + inner + Array(repeating: 0x5D, count: depth)
        }
        let open = Array(#"{"k":"#.utf8)
        return Array(repeating: open, count: depth - 1).flatMap { $0 } + [0x7B, 0x7D]
            + Array(repeating: 0x7D, count: depth - 1)
    }

    /// Nothing or up to three of space, tab, line feed and carriage return.
    public mutating func whitespace() -> [UInt8] {
        guard random.chance(30) else { return [] }
        return (0..<1 + random.below(3)).map { _ in random.pick([0x20, 0x09, 0x0A, 0x0D]) }
    }

    /// A key: a login field, a short word, an empty or escaped one, or any string.
    public mutating func key() -> [UInt8] {
        random.below(4) == 0 ? random.pick(Self.keys) : string()
    }

    /// Keys worth repeating: the login fields, one escaped, one empty, and pairs that are equal as Swift
    /// strings (so in JSONSerialization's dictionaries) but not byte for byte.
    static let keys: [[UInt8]] = [
        "user_id", "timestamp", "app_version", "device_type", "locale", "ip", "device_id", "a", "", "K", #"\u212A"#,
        #"user\u005fid"#, #"\u0000"#, "k\\\"", "é", #"e\u0301"#,
    ].map { [0x22] + Array($0.utf8) + [0x22] }

    /// A valid JSON string literal of up to 8 pieces: plain runs (some longer than 8 bytes), every escape,
    /// surrogate pairs, raw UTF-8 of one to four bytes with the boundary code points, DEL.
    public mutating func string() -> [UInt8] {
        var out: [UInt8] = [0x22]
        for _ in 0..<random.below(9) {
            switch random.below(8) {
            case 0, 1:
                for _ in 0..<random.below(20) {
                    let c = UInt8(0x20 + random.below(0x5F))
                    out.append(c == 0x22 || c == 0x5C ? 0x5F : c)
                }
            case 2: out += random.pick(Self.escapes)
            case 3:
                out += unicodeEscape(
                    random.chance(50) ? random.pick(Self.boundaryScalars) & 0xFFFF : UInt32(random.below(0xD800)))
            case 4:
                let scalar = 0x10000 + UInt32(random.below(0x100000))
                out +=
                    unicodeEscape(0xD800 + (scalar - 0x10000) >> 10)
                    + unicodeEscape(0xDC00 + (scalar - 0x10000) & 0x3FF)
            case 5: out += utf8(random.pick(Self.boundaryScalars))
            case 6: out += utf8(randomScalar())
            default: out.append(0x7F)
            }
        }
        return out + [0x22]
    }

    static let escapes = [#"\""#, #"\\"#, #"\/"#, #"\b"#, #"\f"#, #"\n"#, #"\r"#, #"\t"#].map { Array($0.utf8) }

    /// Code points at the edges of the UTF-8 lengths and around the surrogates.
    static let boundaryScalars: [UInt32] = [
        0x20, 0x7E, 0x7F, 0x80, 0xFF, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF,
    ]

    private mutating func randomScalar() -> UInt32 {
        while true {
            let scalar = UInt32(random.below(0x110000))
            if scalar >= 0x20 && !(0xD800...0xDFFF).contains(scalar) && scalar != 0x22 && scalar != 0x5C {
                return scalar
            }
        }
    }

    private mutating func unicodeEscape(_ unit: UInt32) -> [UInt8] {
        let digits = Array((random.chance(50) ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
        return [0x5C, UInt8(ascii: "u")] + (0..<4).map { digits[Int(unit >> (12 - 4 * UInt32($0)) & 0xF)] }
    }

    private func utf8(_ scalar: UInt32) -> [UInt8] {
        Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    /// A number of any RFC 8259 shape: signs, zeros, long digit runs, fractions, exponents of every case
    /// and sign, and magnitudes past Double's range both ways.
    public mutating func number() -> [UInt8] {
        var out: [UInt8] = random.chance(30) ? [0x2D] : []
        out +=
            random.chance(25)
            ? [0x30] : [UInt8(0x31 + random.below(9))] + digits(random.below(random.chance(5) ? 320 : 20))
        if random.chance(30) { out += [0x2E] + digits(1 + random.below(20)) }
        if random.chance(30) {
            out += [random.pick([UInt8(ascii: "e"), UInt8(ascii: "E")])]
            out += random.pick([[], [0x2B], [0x2D]])
            out += digits(1 + random.below(random.chance(20) ? 4 : 2))
        }
        return out
    }

    private mutating func digits(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(0x30 + random.below(10)) }
    }
}

import Generators

/// Seeded random and mutated payloads: truncations, byte flips and insertions, wrong types, deep
/// nesting, huge strings, invalid UTF-8 and odd escapes, mixed with plain generated events.
struct PayloadFuzzer {
    private var random: SeededRandom
    private var generator: LoginEventGenerator
    private var huge = 0
    /// At most this many payloads of several hundred KB (the mock broker keeps a few MB per partition).
    var hugeBudget = 12

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        generator = LoginEventGenerator(seed: seed, badShare: 0.3, baseTime: 1_700_000_000)
    }

    mutating func next() -> [UInt8]? {
        let base = generator.next().value
        switch random.next() % 12 {
        case 0: return base
        case 1:
            guard let base else { return nil }
            return Array(base.prefix(Int(random.next() % UInt64(base.count + 1))))
        case 2:
            guard let base else { return nil }
            return flipBytes(base)
        case 3:
            guard let base else { return nil }
            return insertBytes(base)
        case 4: return randomBytes(count: Int(random.next() % 300))
        case 5: return Array(#"{"user_id":"u","timestamp":1,"deep":"#.utf8) + nesting(depth: Int(random.next() % 1_200)) + [0x7D]
        case 6: return nesting(depth: Int(random.next() % 700))
        case 7: return hugeString()
        case 8: return wrongTypes()
        case 9: return Array(#"{"user_id":"\#(escapes())","timestamp":"1700000000","locale":"\#(escapes())"}"#.utf8)
        case 10: return Array(#"{"user_id":"u\#u{0}x","timestamp":1700000000,"ip":"\u0000"}"#.utf8)
        default: return base.map { Array($0.reversed()) }
        }
    }

    private mutating func flipBytes(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        var copy = bytes
        for _ in 0...(random.next() % 4) {
            copy[Int(random.next() % UInt64(copy.count))] = UInt8(truncatingIfNeeded: random.next())
        }
        return copy
    }

    private mutating func insertBytes(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        let inserted = randomBytes(count: 1 + Int(random.next() % 8))
        copy.insert(contentsOf: inserted, at: Int(random.next() % UInt64(copy.count + 1)))
        return copy
    }

    private mutating func randomBytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private mutating func nesting(depth: Int) -> [UInt8] {
        let open: UInt8 = random.next() % 2 == 0 ? 0x5B : 0x7B
        if open == 0x7B {
            return Array(repeating: Array(#"{"a":"#.utf8), count: depth).flatMap { $0 } + Array("1".utf8)
                + Array(repeating: 0x7D, count: depth)
        }
        return Array(repeating: 0x5B, count: depth) + Array(repeating: 0x5D, count: depth)
    }

    private mutating func hugeString() -> [UInt8] {
        let size = huge < hugeBudget ? 200_000 + Int(random.next() % 600_000) : Int(random.next() % 20_000)
        huge += 1
        let valid = random.next() % 2 == 0
        return Array(#"{"user_id":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: size)
            + Array(#"","timestamp":"#.utf8) + Array((valid ? "1700000000" : "\"soon\"").utf8) + [0x7D]
    }

    private mutating func wrongTypes() -> [UInt8] {
        let values = [#"1"#, #"1.5"#, #"true"#, #"null"#, #"[]"#, #"{}"#, #""s""#, #"-3"#, #"1e3"#, #""""#]
        func pick() -> String { values[Int(random.next() % UInt64(values.count))] }
        let fields = ["user_id", "timestamp", "app_version", "device_type", "locale", "ip", "device_id", "other"]
        let body = fields.filter { _ in random.next() % 3 != 0 }.map { "\"\($0)\":\(pick())" }.joined(separator: ",")
        return Array("{\(body)}".utf8)
    }

    private mutating func escapes() -> String {
        let pieces = [#"\u00e9"#, #"\ud83d\ude00"#, #"\ud800"#, #"\n"#, #"\""#, #"\\"#, #"\x"#, "é", #"\u12"#, "\u{1F600}"]
        return (0..<(1 + random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }
}

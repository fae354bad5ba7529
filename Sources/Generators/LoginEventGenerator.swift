import Logins

/// A deterministic synthetic user-login stream, for `eddy produce`, the demo and tests.
///
/// Valid events look like the seed stream:
///
///     {"user_id":"424cdd21-063a-43a7-b91b-7ca1a833afae","app_version":"2.3.0","device_type":"android",
///      "ip":"199.172.111.135","locale":"RU","device_id":"593-47-5928","timestamp":"1694479551"}
///
/// Users come from a pool of `userCount` per seed, so they repeat; a user keeps their device,
/// locale and (mostly) app version. Valid events carry the mess real streams carry: about 3% miss
/// an optional field, 2% have one null, 30% give the timestamp as a JSON integer, 10% order the
/// fields differently, 5% add extra members (nested objects, arrays, escapes, non-ASCII text),
/// 5% use spaced separators. The key is the user_id (nil for about 1% of messages).
///
/// A `badShare` of the messages is bad, spread evenly over every bad `Kind`, each with a few
/// realistic payloads of that kind. The same seed always gives the same messages.
public struct LoginEventGenerator: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case valid
        /// Bytes that are not UTF-8 (Latin-1 text, 0xFF 0xFE, UTF-16, an encoded surrogate...).
        case notUTF8
        /// Not JSON: truncated, trailing comma, single quotes, NaN, two objects, a raw control character...
        case notJSON
        /// JSON, but not an object: an array of events, a double-encoded string, null, a number...
        case notObject
        /// A zero-byte value.
        case empty
        /// A null value.
        case tombstone
        /// No user_id (or it is spelled userId / uid).
        case missingUserID
        case emptyUserID
        /// user_id is a number, null, a boolean, an object or an array.
        case nonStringUserID
        /// No timestamp (or it is spelled ts / time).
        case missingTimestamp
        /// The timestamp is not unix seconds: an ISO date, words, "", a negative, fractional,
        /// exponent or overflowing number, a padded string, null or a boolean.
        case nonNumericTimestamp
        /// An optional field (app_version, device_type, locale, ip, device_id) of a type other than string/null.
        case wrongFieldType

        public var isValid: Bool { self == .valid }

        /// How `LoginEventParser` classes a message of this kind; nil for `.valid`.
        public var failureClass: LoginEventFailure.Class? {
            switch self {
            case .valid: nil
            case .notUTF8, .notJSON, .notObject, .empty, .tombstone: .malformed
            case .missingUserID, .emptyUserID, .nonStringUserID, .missingTimestamp, .nonNumericTimestamp,
                .wrongFieldType:
                .invalid
            }
        }
    }

    public struct Message: Sendable {
        public var key: [UInt8]?
        /// nil = tombstone.
        public var value: [UInt8]?
        public var kind: Kind

        public init(key: [UInt8]?, value: [UInt8]?, kind: Kind) {
            self.key = key
            self.value = value
            self.kind = kind
        }
    }

    /// How many distinct users one seed draws from.
    public static let userCount = 5000

    public let seed: UInt64
    /// The share of bad messages, clamped to 0...1.
    public let badShare: Double
    /// Unix seconds; event timestamps fall in the 10 minutes before it (baseTime-600 ..< baseTime). A long
    /// run may move it along with the clock.
    public var baseTime: Int64

    private var random: SeededRandom
    /// A 53-bit draw below this makes a bad message.
    private let badThreshold: UInt64
    private let userSalt: UInt64

    /// - Parameters:
    ///   - seed: the same seed gives the same sequence.
    ///   - badShare: in 0...1, the share of messages that are bad, spread over every bad kind.
    ///   - baseTime: unix seconds; event timestamps fall within the 10 minutes before it.
    public init(seed: UInt64, badShare: Double, baseTime: Int64) {
        let share = badShare.isNaN ? 0 : min(max(badShare, 0), 1)
        self.seed = seed
        self.badShare = share
        self.baseTime = baseTime
        random = SeededRandom(seed: seed)
        badThreshold = UInt64(share * 9_007_199_254_740_992)  // 2^53
        userSalt = SeededRandom.mix(seed ^ 0x6C6F_6769_6E73_5F75)
    }

    public mutating func next() -> Message {
        let kind: Kind
        if random.next() >> 11 < badThreshold {
            kind = Self.badKinds[random.below(Self.badKinds.count)]
        } else {
            kind = .valid
        }
        let user = User(index: random.below(Self.userCount), salt: userSalt)
        let key: [UInt8]? = random.chance(perMille: 10) ? nil : user.id
        let value: [UInt8]?
        switch kind {
        case .valid: value = validEvent(user)
        case .tombstone: value = nil
        case .empty: value = []
        case .notUTF8: value = notUTF8(user)
        case .notJSON: value = notJSON(user)
        case .notObject: value = notObject(user)
        case .missingUserID, .emptyUserID, .nonStringUserID, .missingTimestamp, .nonNumericTimestamp,
            .wrongFieldType:
            value = breakingRule(kind, user)
        }
        return Message(key: key, value: value, kind: kind)
    }

    private static let badKinds = Kind.allCases.filter { !$0.isValid }

    // MARK: Users

    private static let appVersions: [StaticString] = [
        "2.3.0", "2.3.1", "2.4.0", "2.4.1", "2.5.0", "3.0.0", "3.0.1", "3.1.0",
    ]
    private static let locales: [StaticString] = [
        "RU", "US", "GB", "DE", "FR", "ES", "IT", "BR", "IN", "CN", "JP", "KR", "MX", "CA", "AU", "NL",
        "SE", "PL", "TR", "UA", "ID", "VN", "TH", "AR", "ZA", "NG", "EG", "SA", "PT", "CH", "KZ", "IL",
    ]

    /// A user of the pool: a UUID and the device, locale and app version they stick to.
    private struct User {
        let id: [UInt8]
        let number: Int
        let traits: UInt64

        init(index: Int, salt: UInt64) {
            let h1 = SeededRandom.mix(salt &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let h2 = SeededRandom.mix(h1 ^ 0xA076_1D64_78BD_642F)
            traits = SeededRandom.mix(h2 ^ 0xE703_7ED1_A0B4_28DB)
            number = index + 10_000
            id = Self.uuid(h1, h2)
        }

        /// A version-4-shaped lowercase UUID string.
        static func uuid(_ h1: UInt64, _ h2: UInt64) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: 36) { buffer, count in
                let hex: StaticString = "0123456789abcdef"
                let digits = hex.utf8Start
                var k = 0
                for i in 0..<32 {
                    if i == 8 || i == 12 || i == 16 || i == 20 {
                        buffer[k] = UInt8(ascii: "-")
                        k += 1
                    }
                    var nibble = Int(truncatingIfNeeded: (i < 16 ? h1 >> (60 - 4 * i) : h2 >> (124 - 4 * i)) & 0xF)
                    if i == 12 { nibble = 4 }
                    if i == 16 { nibble = 8 | nibble & 3 }
                    buffer[k] = digits[nibble]
                    k += 1
                }
                count = 36
            }
        }

        var deviceType: StaticString {
            let r = traits % 100
            return r < 55 ? "android" : r < 98 ? "iOS" : "web"
        }
        var locale: StaticString { LoginEventGenerator.locales[Int((traits >> 8) % UInt64(LoginEventGenerator.locales.count))] }
        var appVersion: Int { Int((traits >> 16) % UInt64(LoginEventGenerator.appVersions.count)) }
        /// ###-##-####
        var deviceID: UInt64 { (traits >> 24) % 1_000_000_000 }
    }

    // MARK: Event shapes

    /// The members of an event, in the seed stream's order.
    private enum Field: Int {
        case userID, appVersion, deviceType, ip, locale, deviceID, timestamp

        var key: StaticString {
            switch self {
            case .userID: "user_id"
            case .appVersion: "app_version"
            case .deviceType: "device_type"
            case .ip: "ip"
            case .locale: "locale"
            case .deviceID: "device_id"
            case .timestamp: "timestamp"
            }
        }

        var bit: UInt8 { 1 << UInt8(rawValue) }
        static let optional: [Field] = [.appVersion, .deviceType, .ip, .locale, .deviceID]
    }

    private static let fieldOrders: [[Field]] = [
        [.userID, .appVersion, .deviceType, .ip, .locale, .deviceID, .timestamp],  // the seed stream's
        [.timestamp, .userID, .deviceType, .appVersion, .locale, .ip, .deviceID],
        [.appVersion, .deviceID, .deviceType, .ip, .locale, .timestamp, .userID],  // alphabetical
        [.userID, .timestamp, .deviceID, .deviceType, .appVersion, .ip, .locale],
        [.deviceType, .locale, .userID, .ip, .timestamp, .appVersion, .deviceID],
    ]

    /// Extra members valid events sometimes carry, as JSON text.
    private static let extraMembers: [StaticString] = [
        #""session":{"n":3,"resumed":false,"screens":["home","feed"]}"#,
        #""tags":["beta","push"]"#,
        #""city":"S\u00e3o Paulo""#,
        #""city":"Zürich""#,
        #""geo":{"lat":55.7558,"lon":-37.6173,"acc":1.5e1}"#,
        #""note":"tab\there \"quoted\" \ud83d\ude00 \/ done""#,
        #""user_id_hash":null"#,
        #""retry":0"#,
    ]

    /// How to write one event.
    private struct Shape {
        var order = 0
        var omitted: UInt8 = 0
        var nulled: UInt8 = 0
        var integerTimestamp = false
        var spaced = false
        /// Extra member text and the position (0...7) it goes at.
        var extra: [UInt8]? = nil
        var extraPosition = 0
        /// A field whose value is written as this JSON text instead.
        var replaced: Field? = nil
        var replacement: [UInt8] = []
        /// A field written under another key.
        var renamed: Field? = nil
        var renamedKey: StaticString = ""
    }

    private mutating func timestamp() -> Int64 {
        max(0, baseTime - 1 - Int64(random.below(600)))
    }

    /// A valid event with the usual mess.
    private mutating func validEvent(_ user: User) -> [UInt8] {
        var shape = Shape()
        if random.chance(perMille: 100) { shape.order = 1 + random.below(Self.fieldOrders.count - 1) }
        if random.chance(perMille: 30) { shape.omitted = Field.optional[random.below(Field.optional.count)].bit }
        if random.chance(perMille: 20) { shape.nulled = Field.optional[random.below(Field.optional.count)].bit }
        shape.integerTimestamp = random.chance(perMille: 300)
        shape.spaced = random.chance(perMille: 50)
        if random.chance(perMille: 50) {
            shape.extra = Self.bytes(Self.extraMembers[random.below(Self.extraMembers.count)])
            shape.extraPosition = random.below(8)
        }
        return event(user, shape)
    }

    /// A plain, ASCII-only valid event.
    private mutating func plainEvent(_ user: User) -> [UInt8] {
        event(user, Shape())
    }

    private mutating func event(_ user: User, _ shape: Shape) -> [UInt8] {
        var w = ByteWriter(capacity: 240 + (shape.extra?.count ?? 0) + shape.replacement.count)
        let time = timestamp()
        let version = random.chance(perMille: 100) ? random.below(Self.appVersions.count) : user.appVersion
        w.put(UInt8(ascii: "{"))
        var first = true
        func separate(_ w: inout ByteWriter) {
            if !first {
                w.put(UInt8(ascii: ","))
                if shape.spaced { w.put(UInt8(ascii: " ")) }
            }
            first = false
        }
        for (position, field) in Self.fieldOrders[shape.order].enumerated() {
            if let extra = shape.extra, shape.extraPosition == position {
                separate(&w)
                w.put(extra)
            }
            if shape.omitted & field.bit != 0 { continue }
            separate(&w)
            w.put(UInt8(ascii: "\""))
            w.put(shape.renamed == field ? shape.renamedKey : field.key)
            w.put(UInt8(ascii: "\""))
            w.put(UInt8(ascii: ":"))
            if shape.spaced { w.put(UInt8(ascii: " ")) }
            if shape.replaced == field {
                w.put(shape.replacement)
                continue
            }
            if shape.nulled & field.bit != 0 {
                w.put("null")
                continue
            }
            switch field {
            case .userID: w.putQuoted(user.id)
            case .appVersion: w.putQuoted(Self.appVersions[version])
            case .deviceType: w.putQuoted(user.deviceType)
            case .locale: w.putQuoted(user.locale)
            case .deviceID:
                let d = user.deviceID
                w.put(UInt8(ascii: "\""))
                w.putDigits(d / 1_000_000, count: 3)
                w.put(UInt8(ascii: "-"))
                w.putDigits(d / 10_000 % 100, count: 2)
                w.put(UInt8(ascii: "-"))
                w.putDigits(d % 10_000, count: 4)
                w.put(UInt8(ascii: "\""))
            case .ip:
                let r = random.next()
                w.put(UInt8(ascii: "\""))
                w.putDecimal(Int64(1 + (r & 0xFF) % 223))
                w.put(UInt8(ascii: "."))
                w.putDecimal(Int64(r >> 8 & 0xFF))
                w.put(UInt8(ascii: "."))
                w.putDecimal(Int64(r >> 16 & 0xFF))
                w.put(UInt8(ascii: "."))
                w.putDecimal(Int64(r >> 24 & 0xFF))
                w.put(UInt8(ascii: "\""))
            case .timestamp:
                if shape.integerTimestamp {
                    w.putDecimal(time)
                } else {
                    w.put(UInt8(ascii: "\""))
                    w.putDecimal(time)
                    w.put(UInt8(ascii: "\""))
                }
            }
        }
        if let extra = shape.extra, shape.extraPosition >= Self.fieldOrders[shape.order].count {
            separate(&w)
            w.put(extra)
        }
        w.put(UInt8(ascii: "}"))
        return w.bytes
    }

    // MARK: Bad messages

    private mutating func notUTF8(_ user: User) -> [UInt8] {
        var shape = Shape()
        switch random.below(6) {
        case 0:
            shape.replaced = .deviceType
            shape.replacement = [0x22] + Self.bytes("andr") + [0xFF, 0xFE] + Self.bytes("id") + [0x22]
        case 1:
            shape.extra = Self.bytes(#""city":"M"#) + [0xFC] + Self.bytes(#"nchen""#)  // Latin-1 ü
            shape.extraPosition = 7
        case 2:
            shape.replaced = .appVersion
            shape.replacement = [0x22, 0x93] + Self.bytes("2.3.0") + [0x94, 0x22]  // Windows-1252 quotes
        case 3:
            shape.replaced = .locale
            shape.replacement = [0x22, 0xC3, 0x28, 0x22]  // a lead byte without its continuation
        case 4:
            shape.replaced = .deviceID
            shape.replacement = [0x22, 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80, 0x22]  // CESU-8 surrogates
        default:
            // UTF-16LE with its byte order mark.
            let ascii = plainEvent(user)
            var w = ByteWriter(capacity: 2 + 2 * ascii.count)
            w.put([0xFF, 0xFE])
            for b in ascii {
                w.put(b)
                w.put(0)
            }
            return w.bytes
        }
        return event(user, shape)
    }

    private mutating func notJSON(_ user: User) -> [UInt8] {
        switch random.below(9) {
        case 0:  // truncated
            let whole = plainEvent(user)
            return Array(whole[..<(1 + random.below(whole.count - 1))])
        case 1:  // trailing comma
            var bytes = plainEvent(user)
            bytes.insert(UInt8(ascii: ","), at: bytes.count - 1)
            return bytes
        case 2:  // Python repr
            var w = ByteWriter(capacity: 120)
            w.put("{'user_id': '")
            w.put(user.id)
            w.put("', 'device_type': '")
            w.put(user.deviceType)
            w.put("', 'timestamp': ")
            w.putDecimal(timestamp())
            w.put("}")
            return w.bytes
        case 3:
            var shape = Shape()
            shape.replaced = .timestamp
            shape.replacement = Self.bytes("NaN")
            return event(user, shape)
        case 4:
            var shape = Shape()
            shape.replaced = .locale
            shape.replacement = Self.bytes("None")
            return event(user, shape)
        case 5:  // two events in one message
            return plainEvent(user) + [UInt8(ascii: "\n")] + plainEvent(user)
        case 6:  // a log line
            var w = ByteWriter(capacity: 80)
            w.put("login user=")
            w.put(user.id)
            w.put(" ts=")
            w.putDecimal(timestamp())
            return w.bytes
        case 7:  // a raw newline inside a string
            var shape = Shape()
            shape.replaced = .deviceType
            shape.replacement = Self.bytes("\"and\nroid\"")
            return event(user, shape)
        default:  // a zero-padded number
            var shape = Shape()
            shape.replaced = .timestamp
            var w = ByteWriter(capacity: 24)
            w.put(UInt8(ascii: "0"))
            w.putDecimal(timestamp())
            shape.replacement = w.bytes
            return event(user, shape)
        }
    }

    private mutating func notObject(_ user: User) -> [UInt8] {
        switch random.below(6) {
        case 0:  // a batch
            return [UInt8(ascii: "[")] + plainEvent(user) + [UInt8(ascii: "]")]
        case 1:  // double-encoded
            let inner = plainEvent(user)
            var w = ByteWriter(capacity: inner.count + 40)
            w.put(UInt8(ascii: "\""))
            for b in inner {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { w.put(UInt8(ascii: "\\")) }
                w.put(b)
            }
            w.put(UInt8(ascii: "\""))
            return w.bytes
        case 2: return Self.bytes("null")
        case 3:
            var w = ByteWriter(capacity: 16)
            w.putDecimal(timestamp())
            return w.bytes
        case 4: return Self.bytes("true")
        default: return Self.bytes(#""login""#)
        }
    }

    private mutating func breakingRule(_ kind: Kind, _ user: User) -> [UInt8] {
        var shape = Shape()
        switch kind {
        case .missingUserID:
            switch random.below(3) {
            case 0: shape.omitted = Field.userID.bit
            case 1: shape.renamed = .userID; shape.renamedKey = "userId"
            default: shape.renamed = .userID; shape.renamedKey = "uid"
            }
        case .emptyUserID:
            shape.replaced = .userID
            shape.replacement = Self.bytes(#""""#)
        case .nonStringUserID:
            shape.replaced = .userID
            switch random.below(5) {
            case 0:
                var w = ByteWriter(capacity: 8)
                w.putDecimal(Int64(user.number))
                shape.replacement = w.bytes
            case 1: shape.replacement = Self.bytes("null")
            case 2: shape.replacement = Self.bytes("true")
            case 3: shape.replacement = Self.bytes(#"{"id":""#) + user.id + Self.bytes(#""}"#)
            default: shape.replacement = Self.bytes(#"[""#) + user.id + Self.bytes(#""]"#)
            }
        case .missingTimestamp:
            switch random.below(3) {
            case 0: shape.omitted = Field.timestamp.bit
            case 1: shape.renamed = .timestamp; shape.renamedKey = "ts"
            default: shape.renamed = .timestamp; shape.renamedKey = "time"
            }
        case .nonNumericTimestamp:
            shape.replaced = .timestamp
            let time = timestamp()
            var w = ByteWriter(capacity: 32)
            switch random.below(11) {
            case 0: w.put(#""2023-09-12T00:45:51Z""#)
            case 1: w.put(#""yesterday""#)
            case 2: w.put(#""""#)
            case 3: w.put("-"); w.putDecimal(time)
            case 4: w.putDecimal(time); w.put(".5")
            case 5: w.put("1.694479551e9")
            case 6: w.put(#"" "#); w.putDecimal(time); w.put(#"""#)
            case 7: w.put(#""99999999999999999999""#)
            case 8: w.put("null")
            case 9: w.put("true")
            default: w.put(#""0x"#); w.putDecimal(time); w.put(#"""#)
            }
            shape.replacement = w.bytes
        default:  // .wrongFieldType
            switch random.below(6) {
            case 0: shape.replaced = .appVersion; shape.replacement = Self.bytes("2.3")
            case 1: shape.replaced = .deviceType; shape.replacement = Self.bytes("1")
            case 2: shape.replaced = .locale; shape.replacement = Self.bytes(#"["RU"]"#)
            case 3: shape.replaced = .ip; shape.replacement = Self.bytes(#"{"v4":"10.0.0.1"}"#)
            case 4: shape.replaced = .deviceID; shape.replacement = Self.bytes("5934759280")
            default: shape.replaced = .deviceType; shape.replacement = Self.bytes("true")
            }
        }
        return event(user, shape)
    }

    private static func bytes(_ text: StaticString) -> [UInt8] {
        text.withUTF8Buffer { Array($0) }
    }
}

/// Appends bytes to a growing payload.
private struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func put(_ byte: UInt8) { bytes.append(byte) }
    @inline(__always) mutating func put(_ more: [UInt8]) { bytes.append(contentsOf: more) }
    @inline(__always) mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func putQuoted(_ text: StaticString) {
        put(UInt8(ascii: "\""))
        put(text)
        put(UInt8(ascii: "\""))
    }

    @inline(__always) mutating func putQuoted(_ more: [UInt8]) {
        put(UInt8(ascii: "\""))
        put(more)
        put(UInt8(ascii: "\""))
    }

    /// `value` in decimal, with a leading '-' when negative.
    mutating func putDecimal(_ value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        putDigits(magnitude, count: digits)
    }

    /// The low `count` decimal digits of `value`, zero-padded.
    mutating func putDigits(_ value: UInt64, count: Int) {
        let end = bytes.count + count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var v = value
        var i = end - 1
        while i >= end - count {
            bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
    }
}

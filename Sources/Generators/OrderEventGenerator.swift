import Primitives

/// A deterministic synthetic stream of orders, for `workloads/orders.yaml`: `eddy produce --stream orders`,
/// the tests and the benchmarks.
///
/// Valid orders look like a shop's event stream:
///
///     {"order_id":"o-5f1c0a9e3b7d2c41","amount":"129.90","currency":"EUR","status":"paid",
///      "customer":"c-01234","ts":"2026-12-01T08:10:00Z"}
///
/// with the variety real producers give: the amount as a string or a JSON number, with 0, 1 or 2
/// digits after the point; the time with a fraction of a second or another zone's offset; a missing or
/// null status (counted as `unknown`) or customer; extra members; another member order. Times fall in the
/// 6 hours before `baseTime`. The key is the order id (nil for about 1 %).
///
/// A `badShare` of the messages is bad, spread evenly over every bad `Kind`. The same seed always gives
/// the same messages.
public struct OrderEventGenerator: SyntheticStream {
    public enum Kind: String, CaseIterable, Sendable {
        case valid
        /// Not JSON: truncated, a trailing comma, single quotes.
        case notJSON
        /// Bytes that are not UTF-8 (Latin-1 text in the customer).
        case notUTF8
        /// JSON, but not an object: an array of orders, a string, a number.
        case notObject
        /// A zero-byte value.
        case empty
        /// A null value.
        case tombstone
        /// No order_id (or it is spelled orderId).
        case missingOrderID
        case emptyOrderID
        /// The amount is no decimal of at most 2 places: `12.345`, `12,50`, `1e3`, words, a boolean, null.
        case badAmount
        /// A negative amount, which the file's check refuses.
        case negativeAmount
        /// A currency outside the file's set: lowercase, another code, a number.
        case badCurrency
        /// A status outside the file's set.
        case badStatus
        /// No ts (or it is spelled timestamp).
        case missingTime
        /// A ts that is no RFC 3339 time: a month 13, 30 February, a space for the T, unix seconds, words.
        case badTime
        /// A valid order 10 days old: older than the hourly totals' 2 days of lateness.
        case late

        public var isValid: Bool { self == .valid }

        /// The `error_class` Eddy gives a message of this kind; nil for `.valid`.
        public var errorClass: String? {
            switch self {
            case .valid: nil
            case .notJSON, .notUTF8, .notObject, .empty, .tombstone: "malformed"
            case .late: "late"
            default: "invalid"
            }
        }
    }

    public let seed: UInt64
    public let badShare: Double
    /// Unix seconds; order times fall in the 6 hours before it.
    public var baseTime: Int64
    private var random: SeededRandom
    private let badThreshold: UInt64

    public static let currencies = ["EUR", "USD", "GBP", "JPY", "CHF"]
    public static let statuses = ["placed", "paid", "shipped", "cancelled", "refunded"]
    private static let badKinds = Kind.allCases.filter { !$0.isValid }

    public init(seed: UInt64, badShare: Double, baseTime: Int64) {
        let share = badShare.isNaN ? 0 : min(max(badShare, 0), 1)
        self.seed = seed
        self.badShare = share
        self.baseTime = baseTime
        random = SeededRandom(seed: seed ^ 0x6F72_6465_7273_5F73)
        badThreshold = UInt64(share * 9_007_199_254_740_992)  // 2^53
    }

    /// The next message and its kind.
    public mutating func next() -> (record: SyntheticRecord, kind: Kind) {
        let kind = random.next() >> 11 < badThreshold ? Self.badKinds[random.below(Self.badKinds.count)] : .valid
        var order = Order(&random, baseTime: baseTime)
        let value: [UInt8]?
        switch kind {
        case .valid: value = order.json(&random)
        case .tombstone: value = nil
        case .empty: value = []
        case .notJSON: value = notJSON(order)
        case .notUTF8: value = order.replacing("customer", with: #""M|nchen""#).json(&random, latin1: true)
        case .notObject:
            let one = String(decoding: order.json(&random), as: UTF8.self)
            value = Array([#"[\#(one)]"#, #""order \#(order.id) paid""#, "42"][random.below(3)].utf8)
        case .missingOrderID:
            order.rename("order_id", to: random.chance(perMille: 500) ? nil : "orderId")
            value = order.json(&random)
        case .emptyOrderID: value = order.replacing("order_id", with: #""""#).json(&random)
        case .badAmount:
            let amount = [#""12.345""#, #""12,50""#, #""1e3""#, #""twelve""#, "true", "null", #""12.5.0""#][random.below(7)]
            value = order.replacing("amount", with: amount).json(&random)
        case .negativeAmount: value = order.replacing("amount", with: #""-\#(order.amountText)""#).json(&random)
        case .badCurrency:
            value = order.replacing("currency", with: [#""eur""#, #""BTC""#, "978", #""""#][random.below(4)]).json(&random)
        case .badStatus: value = order.replacing("status", with: [#""lost""#, #""PAID""#, #""""#][random.below(3)]).json(&random)
        case .missingTime:
            order.rename("ts", to: random.chance(perMille: 500) ? nil : "timestamp")
            value = order.json(&random)
        case .badTime:
            let times = [#""2026-13-01T10:00:00Z""#, #""2026-02-30T10:00:00Z""#, #""2026-12-01 10:00:00Z""#, "\(order.time)", #""yesterday""#]
            value = order.replacing("ts", with: times[random.below(times.count)]).json(&random)
        case .late:
            order.time -= 10 * 86_400
            value = order.json(&random)
        }
        let key: [UInt8]? = random.chance(perMille: 10) ? nil : Array(order.id.utf8)
        return (SyntheticRecord(key: key, value: value, isValid: kind.isValid), kind)
    }

    public mutating func nextRecord() -> SyntheticRecord { next().record }

    private mutating func notJSON(_ order: Order) -> [UInt8] {
        let whole = order.json(&random)
        switch random.below(3) {
        case 0: return Array(whole[..<(1 + random.below(whole.count - 1))])
        case 1: return whole.dropLast() + Array(",}".utf8)
        default: return whole.map { $0 == UInt8(ascii: "\"") ? UInt8(ascii: "'") : $0 }
        }
    }
}

/// One order, and how to write it.
private struct Order {
    var id: String
    /// Cents.
    var cents: Int
    var currency: String
    /// nil: left out; "null": null.
    var status: String?
    var customer: String?
    var time: Int64
    /// Members written as other JSON text, under another key, or left out.
    var replaced: [String: String] = [:]
    var renamed: [String: String] = [:]
    var omitted: Set<String> = []

    init(_ random: inout SeededRandom, baseTime: Int64) {
        id = "o-" + String(random.next(), radix: 16)
        cents = 1 + random.below(50_000)
        let currencyDraw = random.below(100)
        currency = OrderEventGenerator.currencies[currencyDraw < 40 ? 0 : currencyDraw < 75 ? 1 : currencyDraw < 90 ? 2 : currencyDraw < 95 ? 3 : 4]
        let statusDraw = random.below(1000)
        status =
            statusDraw < 20 ? nil : statusDraw < 30 ? "null"
            : "\"" + OrderEventGenerator.statuses[[0, 0, 0, 1, 1, 1, 1, 2, 2, 3][random.below(10)] + (statusDraw % 25 == 0 ? 1 : 0)] + "\""
        let customerDraw = random.below(100)
        customer = customerDraw < 5 ? nil : customerDraw < 10 ? "null" : "\"c-\(10_000 + random.below(2_000))\""
        time = max(0, baseTime - 1 - Int64(random.below(6 * 3_600)))
    }

    /// The amount as 2-place decimal text, or shorter when its last digits are 0 (`12.5`, `12`).
    var amountText: String {
        let whole = cents / 100
        let fraction = cents % 100
        if fraction == 0 { return "\(whole)" }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)" }
        return "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    func replacing(_ member: String, with json: String) -> Order {
        var copy = self
        copy.replaced[member] = json
        return copy
    }

    /// Writes `member` under `key`, or leaves it out when `key` is nil.
    mutating func rename(_ member: String, to key: String?) {
        if let key { renamed[member] = key } else { omitted.insert(member) }
    }

    /// The order as JSON; with `latin1`, each `|` becomes the byte 0xFC (ü in Latin-1: not UTF-8).
    func json(_ random: inout SeededRandom, latin1: Bool = false) -> [UInt8] {
        let amount = random.chance(perMille: 200) ? amountText : "\"\(amountText)\""
        var members: [(String, String?)] = [
            ("order_id", "\"\(id)\""), ("amount", amount), ("currency", "\"\(currency)\""), ("status", status),
            ("customer", customer), ("ts", "\"\(Self.rfc3339(time, &random))\""),
        ]
        if random.chance(perMille: 50) { members.insert(("items", #"[{"sku":"A-1","qty":2},{"sku":"B\u00e9","qty":1}]"#), at: random.below(members.count + 1)) }
        if random.chance(perMille: 100) { members.reverse() }
        let written = members.compactMap { name, value -> String? in
            guard let value = replaced[name] ?? value, !omitted.contains(name) else { return nil }
            return "\"\(renamed[name] ?? name)\":\(value)"
        }
        let bytes = Array(("{" + written.joined(separator: ",") + "}").utf8)
        return latin1 ? bytes.map { $0 == UInt8(ascii: "|") ? 0xFC : $0 } : bytes
    }

    /// `seconds` as RFC 3339: UTC with `Z` mostly, sometimes a fraction of a second or another zone's offset.
    static func rfc3339(_ seconds: Int64, _ random: inout SeededRandom) -> String {
        let draw = random.below(10)
        let offsetMinutes = draw == 9 ? [60, -300, 330, 540][random.below(4)] : 0
        let local = seconds + Int64(offsetMinutes * 60)
        // ISO8601UTC's text of the local time, without its `Z`.
        var text = String(ISO8601UTC.format(local).dropLast())
        if draw == 8 { text += ".\(100 + random.below(900))" }
        if offsetMinutes == 0 { return text + "Z" }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let magnitude = abs(offsetMinutes)
        return text + (offsetMinutes > 0 ? "+" : "-") + two(magnitude / 60) + ":" + two(magnitude % 60)
    }
}

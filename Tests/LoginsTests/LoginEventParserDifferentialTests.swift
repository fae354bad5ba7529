import Foundation
import JSONTestSupport
import Logins
import Testing

/// Whether the parser reads `bytes` as JSON (it may still find the value is not an object, or breaks a rule).
private func parserReadsJSON(_ bytes: [UInt8]) -> Bool {
    switch LoginEventParser.parse(bytes) {
    case .success: true
    case .failure(let failure): failure.errorClass == .invalid || failure.reason.hasPrefix("not a JSON object")
    }
}

/// A login-shaped object: the rules' fields, mostly with values of the right kind (strings with every
/// escape and raw UTF-8), extra members, the order shuffled, a key sometimes escaped or repeated.
private func loginObject(_ g: inout JSONTextGenerator) -> [UInt8] {
    func quoted(_ text: String) -> [UInt8] { [0x22] + Array(text.utf8) + [0x22] }
    var members: [(key: [UInt8], value: [UInt8])] = []
    let userID = quoted(g.random.chance(10) ? #"user\u005fid"# : "user_id")
    members.append((userID, g.random.chance(90) ? g.string() : g.value(depth: 1)))
    let seconds = String(g.random.below(2_000_000_000))
    members.append((quoted("timestamp"), g.random.pick([Array(seconds.utf8), quoted(seconds), g.value(depth: 1)])))
    for field in ["app_version", "device_type", "locale", "ip", "device_id"] where g.random.chance(80) {
        let value = g.random.chance(85) ? g.string() : g.random.pick([Array("null".utf8), g.value(depth: 1)])
        members.append((quoted(field), value))
    }
    for _ in 0..<g.random.below(3) { members.append((g.key(), g.value(depth: 1))) }
    members.shuffle(using: &g.random)
    if g.random.chance(10), let repeated = members.first { members.append((repeated.key, g.string())) }
    return g.object(members)
}

/// Where `event` differs from the members JSONSerialization read.
private func differences(_ event: LoginEvent, _ object: [String: Any]) -> [String] {
    let fields: [(String, String?)] = [
        ("user_id", event.userID), ("app_version", event.appVersion), ("device_type", event.deviceType),
        ("locale", event.locale), ("ip", event.ip), ("device_id", event.deviceID),
    ]
    var problems: [String] = []
    for (key, value) in fields where (object[key] as? String).map({ Array($0.utf8) }) != value.map({ Array($0.utf8) }) {
        problems.append("\(key): parser \(value.debugDescription), JSONSerialization \(object[key] ?? "nothing")")
    }
    let seconds =
        (object["timestamp"] as? String).flatMap { Int64($0) } ?? (object["timestamp"] as? NSNumber)?.int64Value
    if seconds != event.timestamp {
        problems.append("timestamp: parser \(event.timestamp), JSONSerialization \(object["timestamp"] ?? "nothing")")
    }
    return problems
}

@Suite("LoginEventParser against JSONSerialization")
struct LoginEventParserDifferentialTests {
    /// Seeded random inputs, half of them login-shaped: the parser reads as JSON exactly what JSONSerialization
    /// does (up to the differences `JSONDifferential` documents), and a valid event's text fields and
    /// timestamp are the values JSONSerialization decodes.
    @Test(arguments: [UInt64(11), 12])
    func parserAgreesWithJSONSerialization(seed: UInt64) {
        var generator = JSONTextGenerator(seed: seed)
        let summary = JSONDifferential.run(
            count: 15_000,
            input: { i in
                let input = i % 2 == 0 ? loginObject(&generator) : generator.next()
                return i % 2 == 0 && generator.random.chance(40) ? generator.mutated(input) : input
            },
            reader: parserReadsJSON,
            values: { text, object in
                let decoded = JSONDifferential.droppingRunOpeningBOMs(text)
                guard case .success(let event) = LoginEventParser.parse(decoded) else { return nil }
                return differences(event, object)
            })
        for report in summary.reports { Issue.record(Comment(rawValue: report)) }
        #expect(summary.failures == 0)
        #expect(summary.objectsCompared > 2_000, "the mix has valid events")
    }
}

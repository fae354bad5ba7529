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
                let input = i % 2 == 0 ? generator.loginObject() : generator.next()
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

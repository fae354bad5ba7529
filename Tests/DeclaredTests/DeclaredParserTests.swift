import Declared
import Engine
import Foundation
import JSONTestSupport
import Generators
import Logins
import Testing

/// The declared parser reads messages as their workload file says: for `workloads/user-login.yaml`
/// exactly as the built-in login parser does, verdict and words, message by message.
@Suite struct DeclaredParserTests {
    static let userLogin = try! DeclaredUserLoginTests.definition("user-login.yaml")

    /// Where the two parsers disagree on `bytes`, or `nil`.
    static func disagreement(_ bytes: [UInt8]?, _ parser: DeclaredParser, _ definition: WorkloadDefinition) -> String? {
        let declared = parser.parse(bytes)
        switch (LoginEventParser.parse(bytes), declared) {
        case (.success(let event), .success(let values)):
            func value(_ name: String) -> DeclaredValue { values[definition.fields.firstIndex { $0.name == name }!] }
            func text(_ string: String?) -> DeclaredValue { string.map(DeclaredValue.text) ?? .null }
            let expected: [String: DeclaredValue] = [
                "user_id": .text(event.userID), "app_version": text(event.appVersion), "device_type": text(event.deviceType),
                "locale": text(event.locale), "ip": text(event.ip), "device_id": text(event.deviceID), "timestamp": .integer(event.timestamp),
            ]
            let differing = expected.filter { value($0.key) != $0.value }
            return differing.isEmpty ? nil : "values differ: \(differing) in \(String(decoding: bytes ?? [], as: UTF8.self))"
        case (.failure(let failure), .failure(let declaredFailure)):
            guard failure.errorClass.rawValue == declaredFailure.errorClass, failure.reason == declaredFailure.reason else {
                return "\(failure) against \(declaredFailure.errorClass): \(declaredFailure.reason)"
            }
            return nil
        case (let login, let declared):
            return "built-in \(login) against declared \(declared) for \(String(decoding: bytes ?? [], as: UTF8.self))"
        }
    }

    @Test(arguments: [UInt64(3), 4])
    func theUserLoginFileReadsTheGeneratedStreamAsTheBuiltInParser(seed: UInt64) {
        let parser = DeclaredParser(Self.userLogin)
        var generator = LoginEventGenerator(seed: seed, badShare: 0.5, baseTime: 1_796_000_000)
        var problems: [String] = []
        for _ in 0..<20_000 {
            if let problem = Self.disagreement(generator.next().value, parser, Self.userLogin) { problems.append(problem) }
        }
        #expect(problems.isEmpty, "\(problems.count) disagreements, first: \(problems.prefix(3))")
    }

    @Test(arguments: [UInt64(21), 22])
    func theUserLoginFileReadsOddJSONAsTheBuiltInParser(seed: UInt64) {
        let parser = DeclaredParser(Self.userLogin)
        var generator = JSONTextGenerator(seed: seed)
        var problems: [String] = []
        var valid = 0
        for i in 0..<20_000 {
            let object = generator.loginObject()
            let input = i % 3 == 0 ? generator.mutated(object) : i % 3 == 1 ? object : generator.next()
            if case .success = LoginEventParser.parse(input) { valid += 1 }
            if let problem = Self.disagreement(input, parser, Self.userLogin) { problems.append(problem) }
        }
        #expect(problems.isEmpty, "\(problems.count) disagreements, first: \(problems.prefix(3))")
        #expect(valid > 2_000, "the mix has valid events")
    }

    static let orders = try! DefinitionReader.read(
        """
        name: orders
        source: {topics: [orders]}
        fields:
          order_id: {type: string, required: true, checks: {non_empty: true, max_length: 5}}
          amount: {type: decimal, scale: 2, required: true, checks: {min: 0, max: 1000}}
          currency: {type: string, required: true, checks: {one_of: [EUR, USD]}}
          paid: {type: boolean}
          items: {type: integer}
          weight: {type: number}
          code: {type: digits}
          ts: {type: rfc3339, required: true}
        events: {table: order_events}
        """, file: "orders.yaml")

    @Test(arguments: [
        (#"{"order_id":"a1","amount":"12.50","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#,
         [DeclaredValue.text("a1"), .integer(1_250), .text("EUR"), .null, .null, .null, .null, .integer(1_796_112_600)]),
        (#"{"order_id":"a1","amount":12.5,"currency":"USD","paid":true,"items":-3,"weight":1.5e1,"code":"007","ts":"2026-12-01t09:10:00.25+01:00"}"#,
         [.text("a1"), .integer(1_250), .text("USD"), .integer(1), .integer(-3), .real(15), .integer(7), .integer(1_796_112_600)]),
    ])
    func aValidOrderBecomesItsStoredValues(_ json: String, _ values: [DeclaredValue]) throws {
        #expect(try DeclaredParser(Self.orders).parse(Array(json.utf8)).get() == values)
    }

    @Test(arguments: [
        ("", "malformed", "empty value"),
        ("[1]", "malformed", "not a JSON object: got array"),
        (#"{"amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid", "order_id is missing"),
        (#"{"order_id":"","amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid", "order_id is empty"),
        (#"{"order_id":"abcdef","amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid", "order_id must be at most 5 characters; got 6"),
        (#"{"order_id":"a","amount":"1.255","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid",
         #"amount must be a decimal with at most 2 digits after the point, got "1.255""#),
        (#"{"order_id":"a","amount":"-1","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid", "amount must be at least 0; got -1"),
        (#"{"order_id":"a","amount":1000.01,"currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid", "amount must be at most 1000; got 1000.01"),
        (#"{"order_id":"a","amount":"1","currency":"CHF","ts":"2026-12-01T08:10:00Z"}"#, "invalid", #"currency must be one of EUR, USD; got "CHF""#),
        (#"{"order_id":"a","amount":"1","currency":"EUR","ts":"2026-02-30T08:10:00Z"}"#, "invalid",
         #"ts must be an RFC 3339 time such as 2026-12-01T08:10:00Z, got "2026-02-30T08:10:00Z""#),
        (#"{"order_id":"a","amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00"}"#, "invalid",
         #"ts must be an RFC 3339 time such as 2026-12-01T08:10:00Z, got "2026-12-01T08:10:00""#),
        (#"{"order_id":"a","amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z","items":1.5}"#, "invalid", "items must be an integer or null, got 1.5"),
        (#"{"order_id":"a","amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z","paid":"yes"}"#, "invalid", #"paid must be true or false or null, got "yes""#),
        (#"{"order_id":"a","amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z","code":"12a"}"#, "invalid", #"code must be a string of digits or null, got "12a""#),
        (#"{"order_id":null,"amount":"1","currency":"EUR","ts":"2026-12-01T08:10:00Z"}"#, "invalid", "order_id must be a string, got null"),
    ])
    func aBrokenOrderFailsNamingItsField(_ json: String, _ errorClass: String, _ reason: String) {
        let failure = WorkloadFailure(errorClass: errorClass, reason: reason)
        #expect(DeclaredParser(Self.orders).parse(Array(json.utf8)) == .failure(failure))
    }

    @Test func aTombstoneIsMalformed() {
        #expect(DeclaredParser(Self.orders).parse(nil as [UInt8]?) == .failure(WorkloadFailure(errorClass: "malformed", reason: "tombstone (null value)")))
    }
}

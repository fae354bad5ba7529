import Generators
import Logins
import Testing

private typealias Kind = LoginEventGenerator.Kind

private let baseTime: Int64 = 1_694_480_000

/// The reason every message of a bad kind must get from the parser.
private let reasonPrefix: [Kind: String] = [
    .notUTF8: "not UTF-8: ",
    .notJSON: "not JSON: ",
    .notObject: "not a JSON object: got ",
    .empty: "empty value",
    .tombstone: "tombstone (null value)",
    .missingUserID: "user_id is missing",
    .emptyUserID: "user_id is empty",
    .nonStringUserID: "user_id must be a string, got ",
    .missingTimestamp: "timestamp is missing",
    .nonNumericTimestamp: "timestamp must be unix seconds (an integer or a string of digits), got ",
]

@Suite("LoginEventGenerator")
struct LoginEventGeneratorTests {
    @Test func seededRandomIsXoshiro256StarStarSeededBySplitMix64() {
        var zero = SeededRandom(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
        var answer = SeededRandom(seed: 42)
        #expect([answer.next(), answer.next(), answer.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
        var r = SeededRandom(seed: 9)
        #expect((0..<1000).allSatisfy { _ in (0..<10).contains(Int.random(in: 0..<10, using: &r)) })
    }

    @Test func sameSeedGivesTheSameSequence() {
        var a = LoginEventGenerator(seed: 7, badShare: 0.3, baseTime: baseTime)
        var b = LoginEventGenerator(seed: 7, badShare: 0.3, baseTime: baseTime)
        var c = LoginEventGenerator(seed: 8, badShare: 0.3, baseTime: baseTime)
        var differences = 0
        for i in 0..<5000 {
            let x = a.next()
            let y = b.next()
            let z = c.next()
            #expect(x.kind == y.kind && x.key == y.key && x.value == y.value, "message \(i)")
            if x.value != z.value { differences += 1 }
        }
        #expect(differences > 4500)
    }

    @Test func mixedStreamHasEveryKindTheRightShareAndParsesPerKind() throws {
        var generator = LoginEventGenerator(seed: 2024, badShare: 0.2, baseTime: baseTime)
        let total = 20_000
        var seen: [Kind: Int] = [:]
        var bad = 0
        var nilKeys = 0
        var users = Set<String>()
        var validCount = 0
        for i in 0..<total {
            let message = generator.next()
            seen[message.kind, default: 0] += 1
            if !message.kind.isValid { bad += 1 }
            if message.key == nil { nilKeys += 1 }
            #expect((message.value == nil) == (message.kind == .tombstone), "message \(i)")

            switch LoginEventParser.parse(message.value) {
            case .success(let event):
                #expect(message.kind == .valid, "message \(i) of kind \(message.kind) parsed as valid")
                validCount += 1
                users.insert(event.userID)
                if let key = message.key { #expect(key == Array(event.userID.utf8), "message \(i)") }
                #expect(event.timestamp >= baseTime - 600 && event.timestamp < baseTime, "message \(i)")
            case .failure(let failure):
                #expect(failure.errorClass == message.kind.failureClass, "message \(i) of kind \(message.kind): \(failure)")
                if message.kind == .wrongFieldType {
                    #expect(failure.reason.contains(" must be a string or null, got "), "message \(i): \(failure.reason)")
                } else {
                    let prefix = try #require(reasonPrefix[message.kind], "message \(i) of kind \(message.kind): \(failure)")
                    #expect(failure.reason.hasPrefix(prefix), "message \(i) of kind \(message.kind): \(failure.reason)")
                }
            }
        }
        for kind in Kind.allCases {
            #expect(seen[kind, default: 0] > 0, "no message of kind \(kind)")
        }
        let share = Double(bad) / Double(total)
        #expect(abs(share - 0.2) <= 0.02, "bad share \(share)")
        // Bad kinds share the bad messages evenly: about 20000 * 0.2 / 11 = 364 each.
        for kind in Kind.allCases where !kind.isValid {
            #expect((250...480).contains(seen[kind, default: 0]), "\(kind): \(seen[kind, default: 0])")
        }
        #expect((100...320).contains(nilKeys), "nil keys \(nilKeys)")
        // Users repeat: the pool is 5000 users.
        #expect(users.count <= LoginEventGenerator.userCount && users.count < validCount * 3 / 4)
    }

    @Test func noBadShareMeansEveryMessageIsValidAndRealisticallyMessy() throws {
        var generator = LoginEventGenerator(seed: 1, badShare: 0, baseTime: baseTime)
        let total = 20_000
        var integerTimestamps = 0
        var missingOrNullOptional = 0
        var extraMembers = 0
        var deviceTypes: [String: Int] = [:]
        var locales = Set<String>()
        var versions = Set<String>()
        for i in 0..<total {
            let message = generator.next()
            #expect(message.kind == .valid)
            let value = try #require(message.value)
            let text = String(decoding: value, as: UTF8.self)
            let event = try #require(try? LoginEventParser.parse(value).get(), "message \(i): \(text)")
            if text.contains(#""timestamp":1"#) || text.contains(#""timestamp": 1"#) { integerTimestamps += 1 }
            if [event.appVersion, event.deviceType, event.locale, event.ip, event.deviceID].contains(nil) {
                missingOrNullOptional += 1
            }
            if text.contains("session") || text.contains("tags") || text.contains("city")
                || text.contains("geo") || text.contains("note") || text.contains("hash") || text.contains("retry")
            {
                extraMembers += 1
            }
            if let deviceType = event.deviceType { deviceTypes[deviceType, default: 0] += 1 }
            if let locale = event.locale {
                locales.insert(locale)
                #expect(locale.utf8.count == 2 && locale.allSatisfy(\.isUppercase), "\(locale)")
            }
            if let version = event.appVersion { versions.insert(version) }
            if let ip = event.ip {
                let octets = ip.split(separator: ".")
                #expect(octets.count == 4 && octets.allSatisfy { UInt8($0) != nil }, "\(ip)")
            }
            if let deviceID = event.deviceID {
                #expect(deviceID.split(separator: "-").map(\.count) == [3, 2, 4] && deviceID.count == 11, "\(deviceID)")
            }
            #expect(event.userID.utf8.count == 36 && event.userID.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        }
        // About 30% integer timestamps, about 5% with an optional field missing or null, some extras.
        #expect((5_400...6_600).contains(integerTimestamps), "integer timestamps \(integerTimestamps)")
        #expect((600...1_400).contains(missingOrNullOptional), "missing or null optional \(missingOrNullOptional)")
        #expect((500...2_000).contains(extraMembers), "extra members \(extraMembers)")
        #expect(Set(deviceTypes.keys) == ["android", "iOS", "web"])
        #expect(deviceTypes["web", default: 0] < deviceTypes["iOS", default: 0] / 5)
        #expect(locales.count >= 24)
        #expect(versions.isSuperset(of: ["2.3.0", "2.4.1", "3.0.0"]))
    }

    @Test func fullBadShareMeansNoValidMessage() {
        var generator = LoginEventGenerator(seed: 3, badShare: 1, baseTime: baseTime)
        for _ in 0..<2000 {
            let message = generator.next()
            #expect(!message.kind.isValid)
            if case .success(let event) = LoginEventParser.parse(message.value) {
                Issue.record("a \(message.kind) message parsed as \(event)")
            }
        }
    }

    @Test func kindClasses() {
        #expect(Kind.allCases.filter(\.isValid) == [.valid])
        #expect(Kind.valid.failureClass == nil)
        #expect(
            Kind.allCases.filter { $0.failureClass == .malformed } == [.notUTF8, .notJSON, .notObject, .empty, .tombstone])
        #expect(Kind.allCases.count == 12)
    }
}

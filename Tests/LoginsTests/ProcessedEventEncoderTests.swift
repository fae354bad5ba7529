import Foundation
import Testing

@testable import Logins

/// The output's JSON: every field, `null` where missing, text escaped so that any JSON parser reads back
/// the exact text, the timestamp as seconds and as ISO-8601 UTC.
@Suite struct ProcessedEventEncoderTests {
    private func encode(userID: String?, locale: String?, timestamp: Int64) -> [UInt8] {
        var out: [UInt8] = []
        func bytes(_ text: String?, _ body: (UnsafeRawBufferPointer?) -> Void) {
            guard let text else { return body(nil) }
            Array(text.utf8).withUnsafeBytes { body($0) }
        }
        bytes(userID) { user in
            bytes(locale) { locale in
                ProcessedEventEncoder.append(
                    userID: user, appVersion: nil, deviceType: nil, locale: locale, ip: nil, deviceID: nil, timestamp: timestamp, to: &out
                )
            }
        }
        return out
    }

    @Test func aPlainEventIsWrittenExactly() {
        let json = String(decoding: encode(userID: "u-1", locale: "en", timestamp: 1_694_479_551), as: UTF8.self)
        #expect(
            json == #"{"user_id":"u-1","app_version":null,"device_type":null,"locale":"en","ip":null,"device_id":null,"timestamp":1694479551,"event_time":"2023-09-12T00:45:51Z"}"#
        )
    }

    @Test(arguments: ["", "quote \" inside", "back\\slash", "\u{0}\u{1}\t\n\r\u{1F}", "é e\u{301} 🦊 中", "\\\"\\", "end\""])
    func anyTextReadsBackExactly(_ text: String) throws {
        let value = try #require(try JSONSerialization.jsonObject(with: Data(encode(userID: text, locale: nil, timestamp: -5))) as? [String: Any])
        #expect((value["user_id"] as? String).map { Array($0.utf8) } == Array(text.utf8))
        #expect(value["locale"] is NSNull)
        #expect(value["timestamp"] as? Int == -5)
    }
}

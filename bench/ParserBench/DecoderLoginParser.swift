import Foundation
import Logins

/// The login rules with `JSONDecoder` and a `Decodable` type, the other way a Foundation user would go.
enum DecoderLoginParser {
    static func parse(_ value: UnsafeRawBufferPointer?, with decoder: JSONDecoder) -> LoginEvent? {
        guard let value, let base = value.baseAddress, value.count > 0 else { return nil }
        let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: value.count, deallocator: .none)
        guard let decoded = try? decoder.decode(DecodedLogin.self, from: data), !decoded.user_id.isEmpty else {
            return nil
        }
        return LoginEvent(
            userID: decoded.user_id, appVersion: decoded.app_version, deviceType: decoded.device_type,
            locale: decoded.locale, ip: decoded.ip, deviceID: decoded.device_id, timestamp: decoded.timestamp.seconds)
    }
}

/// A login event as `Decodable` sees it (the JSON names, so no coding keys are needed).
private struct DecodedLogin: Decodable {
    var user_id: String
    var app_version: String?
    var device_type: String?
    var locale: String?
    var ip: String?
    var device_id: String?
    var timestamp: UnixSeconds
}

/// A non-negative JSON integer or a string of ASCII digits.
private struct UnixSeconds: Decodable {
    var seconds: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self), number >= 0 {
            seconds = number
            return
        }
        let text = try container.decode(String.self)
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int64(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not unix seconds")
        }
        seconds = number
    }
}

import Foundation
import Logins

/// The login rules on top of `JSONSerialization`: what a parser written with Foundation would do.
/// It checks what `LoginEventParser` checks (an object; a non-empty `user_id` string; a timestamp that is
/// a non-negative integer or a string of digits; optional fields absent, null or strings) and builds the
/// same `LoginEvent`.
enum SerializationLoginParser {
    static func parse(_ value: UnsafeRawBufferPointer?) -> LoginEvent? {
        guard let value, let base = value.baseAddress, value.count > 0 else { return nil }
        let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: value.count, deallocator: .none)
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let object = parsed as? [String: Any],
            let userID = object["user_id"] as? String, !userID.isEmpty,
            let timestamp = unixSeconds(object["timestamp"])
        else { return nil }
        guard let appVersion = optionalText(object["app_version"]),
            let deviceType = optionalText(object["device_type"]),
            let locale = optionalText(object["locale"]),
            let ip = optionalText(object["ip"]),
            let deviceID = optionalText(object["device_id"])
        else { return nil }
        return LoginEvent(
            userID: userID, appVersion: appVersion, deviceType: deviceType, locale: locale, ip: ip, deviceID: deviceID,
            timestamp: timestamp)
    }

    /// `.some(nil)` for an absent or null member, `.some(text)` for a string, nil for anything else.
    private static func optionalText(_ value: Any?) -> String?? {
        switch value {
        case nil, is NSNull: .some(nil)
        case let text as String: .some(text)
        default: nil
        }
    }

    private static func unixSeconds(_ value: Any?) -> Int64? {
        if let text = value as? String {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int64(text)
        }
        guard let number = value as? NSNumber, let seconds = Int64(exactly: number.doubleValue), seconds >= 0 else {
            return nil
        }
        return seconds
    }
}

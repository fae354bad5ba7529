/// The normalized event published to the output topic: every field (null where missing), the
/// timestamp as unix seconds and as ISO-8601 UTC, written straight into bytes.
enum ProcessedEventEncoder {
    static func encode(_ event: LoginEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += #"{"user_id":"#.utf8
        appendString(event.userID, to: &out)
        for (name, value) in [
            ("app_version", event.appVersion), ("device_type", event.deviceType), ("locale", event.locale), ("ip", event.ip),
            ("device_id", event.deviceID),
        ] {
            out += ",\"\(name)\":".utf8
            if let value { appendString(value, to: &out) } else { out += "null".utf8 }
        }
        out += ",\"timestamp\":\(event.timestamp),\"event_time\":\"".utf8
        out += ISO8601UTC.format(event.timestamp).utf8
        out += "\"}".utf8
        return out
    }

    /// A JSON string: quotes and backslashes escaped, control characters as `\u00XX`, the rest as UTF-8.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

import Primitives

/// The normalized event published to the output topic: every field (null where missing), the
/// timestamp as unix seconds and as ISO-8601 UTC, written straight into bytes.
enum ProcessedEventEncoder {
    /// Appends the JSON of `event`, whose text `text` holds, to `out`.
    static func append(_ event: StagedLoginEvents.Event, _ text: StagedLoginEvents.Text, to out: inout [UInt8]) {
        append(
            userID: text[event.userID], appVersion: text[event.appVersion], deviceType: text[event.deviceType], locale: text[event.locale],
            ip: text[event.ip], deviceID: text[event.deviceID], timestamp: event.timestamp, to: &out
        )
    }

    /// Appends the JSON of an event with these fields (`nil`: missing; text as UTF-8, as stored in
    /// `login_events`) to `out`.
    static func append(
        userID: UnsafeRawBufferPointer?, appVersion: UnsafeRawBufferPointer?, deviceType: UnsafeRawBufferPointer?,
        locale: UnsafeRawBufferPointer?, ip: UnsafeRawBufferPointer?, deviceID: UnsafeRawBufferPointer?, timestamp: Int64, to out: inout [UInt8]
    ) {
        out += #"{"user_id":"#.utf8
        appendString(userID, to: &out)
        out += #","app_version":"#.utf8
        appendString(appVersion, to: &out)
        out += #","device_type":"#.utf8
        appendString(deviceType, to: &out)
        out += #","locale":"#.utf8
        appendString(locale, to: &out)
        out += #","ip":"#.utf8
        appendString(ip, to: &out)
        out += #","device_id":"#.utf8
        appendString(deviceID, to: &out)
        out += #","timestamp":"#.utf8
        withDecimalText(timestamp) { out.append(contentsOf: $0) }
        out += #","event_time":""#.utf8
        ISO8601UTC.append(timestamp, to: &out)
        out += #""}"#.utf8
    }

    /// A JSON string (quotes and backslashes escaped, control characters as `\u00XX`, the rest as
    /// UTF-8), or `null` when `bytes` is nil.
    static func appendString(_ bytes: UnsafeRawBufferPointer?, to out: inout [UInt8]) {
        guard let bytes else {
            out += "null".utf8
            return
        }
        out.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape (nearly all of them) are copied whole.
        var plain = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain..<index]))
            if byte < 0x20 {
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            } else {
                out += [UInt8(ascii: "\\"), byte]
            }
            plain = index + 1
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain...]))
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

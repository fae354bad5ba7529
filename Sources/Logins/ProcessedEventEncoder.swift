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
        JSONStringWriter.append(userID, to: &out)
        out += #","app_version":"#.utf8
        JSONStringWriter.append(appVersion, to: &out)
        out += #","device_type":"#.utf8
        JSONStringWriter.append(deviceType, to: &out)
        out += #","locale":"#.utf8
        JSONStringWriter.append(locale, to: &out)
        out += #","ip":"#.utf8
        JSONStringWriter.append(ip, to: &out)
        out += #","device_id":"#.utf8
        JSONStringWriter.append(deviceID, to: &out)
        out += #","timestamp":"#.utf8
        withDecimalText(timestamp) { out.append(contentsOf: $0) }
        out += #","event_time":""#.utf8
        ISO8601UTC.append(timestamp, to: &out)
        out += #""}"#.utf8
    }
}

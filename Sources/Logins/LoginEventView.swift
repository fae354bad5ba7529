import JSONScanning

/// A valid login event whose text still lies in the message's bytes, so it is valid only as long as
/// they are. A field with escapes is decoded into one reusable buffer: use a field's bytes before
/// asking for the next.
struct LoginEventView {
    var fields: LoginEventParser.Fields
    var scanner: JSONScanner
    /// Unix seconds.
    let timestamp: Int64

    /// Calls `body` with the UTF-8 bytes of `field`, or `nil` when it is absent or null.
    @inline(__always)
    mutating func withText<R>(_ field: LoginEventParser.Field, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let value = fields[field], value.kind == .string else { return body(nil) }
        return scanner.withUTF8(value.token, body)
    }

    /// The text of `field`, or `nil` when it is absent or null.
    mutating func string(_ field: LoginEventParser.Field) -> String? {
        guard let value = fields[field], value.kind == .string else { return nil }
        return scanner.string(value.token)
    }

    /// The event with its own copies of the text.
    mutating func event() -> LoginEvent {
        LoginEvent(
            userID: string(.userID) ?? "",
            appVersion: string(.appVersion),
            deviceType: string(.deviceType),
            locale: string(.locale),
            ip: string(.ip),
            deviceID: string(.deviceID),
            timestamp: timestamp
        )
    }
}

import JSONScanning

/// Turns the raw value of a user-login message into a `LoginEvent`, or says why it cannot.
///
/// A valid message is a UTF-8 JSON object (RFC 8259) with
/// - `user_id`: a non-empty string;
/// - `timestamp`: unix seconds, as a JSON integer (no fraction, no exponent, 0...Int64.max)
///   or a string of ASCII digits only (non-empty, no sign or space, fits Int64);
/// - `app_version`, `device_type`, `locale`, `ip`, `device_id`: each absent, null or a string.
///
/// Other members are ignored whatever their value. When a key repeats, the last one wins.
///
/// Failures are `malformed` when the bytes cannot be read as a JSON object (checked in
/// this order: tombstone, empty value, not UTF-8 anywhere, not JSON, not an object) and
/// `invalid` when the object breaks a rule (checked in this order: user_id, timestamp,
/// then app_version, device_type, locale, ip, device_id).
public enum LoginEventParser {
    /// `value` nil means a Kafka tombstone (null value).
    public static func parse(_ value: UnsafeRawBufferPointer?) -> Result<LoginEvent, LoginEventFailure> {
        switch view(value) {
        case .success(var view): return .success(view.event())
        case .failure(let failure): return .failure(failure)
        }
    }

    /// The same rules as ``parse(_:)-(UnsafeRawBufferPointer?)``, with the valid event's text left in
    /// `value`'s bytes: nothing is copied until the caller asks for a field.
    static func view(_ value: UnsafeRawBufferPointer?) -> Result<LoginEventView, LoginEventFailure> {
        var fields = Fields()
        switch JSONObjectMessage.scan(value, into: &fields) {
        case .failure(let notAnObject):
            return .failure(.malformed(notAnObject.reason))
        case .success(var scanner):
            return validate(fields, &scanner).map { LoginEventView(fields: fields, scanner: scanner, timestamp: $0) }
        }
    }

    /// Convenience for tests and tools. `bytes` nil means a Kafka tombstone (null value).
    public static func parse(_ bytes: [UInt8]?) -> Result<LoginEvent, LoginEventFailure> {
        guard let bytes else { return parse(nil as UnsafeRawBufferPointer?) }
        return bytes.withUnsafeBytes { parse($0) }
    }

    // MARK: Scanning

    /// The members the rules look at.
    enum Field {
        case userID, appVersion, deviceType, locale, ip, deviceID, timestamp
    }

    typealias Captured = JSONCapturedValue

    struct Fields: JSONMemberCapture {
        var userID: Captured?
        var appVersion: Captured?
        var deviceType: Captured?
        var locale: Captured?
        var ip: Captured?
        var deviceID: Captured?
        var timestamp: Captured?

        @inline(__always)
        subscript(field: Field) -> Captured? {
            switch field {
            case .userID: userID
            case .appVersion: appVersion
            case .deviceType: deviceType
            case .locale: locale
            case .ip: ip
            case .deviceID: deviceID
            case .timestamp: timestamp
            }
        }

        @inline(__always)
        func slot(named name: JSONStringToken, _ scanner: inout JSONScanner) -> Field? {
            LoginEventParser.field(named: name, &scanner)
        }

        @inline(__always)
        mutating func capture(_ field: Field, _ value: Captured) {
            switch field {
            case .userID: userID = value
            case .appVersion: appVersion = value
            case .deviceType: deviceType = value
            case .locale: locale = value
            case .ip: ip = value
            case .deviceID: deviceID = value
            case .timestamp: timestamp = value
            }
        }
    }

    /// The known member a key names. Keys are compared by their decoded bytes.
    @inline(__always)
    fileprivate static func field(named name: JSONStringToken, _ s: inout JSONScanner) -> Field? {
        guard name.hasEscapes else { return field(named: s.base + name.start, count: name.end - name.start) }
        return s.withUTF8(name) { bytes in
            guard let p = bytes.baseAddress else { return nil }
            return field(named: p, count: bytes.count)
        }
    }

    @inline(__always)
    private static func field(named p: UnsafeRawPointer, count n: Int) -> Field? {
        switch n {
        case 2: return equal(p, "ip") ? .ip : nil
        case 6: return equal(p, "locale") ? .locale : nil
        case 7: return equal(p, "user_id") ? .userID : nil
        case 9: return equal(p, "timestamp") ? .timestamp : equal(p, "device_id") ? .deviceID : nil
        case 11: return equal(p, "app_version") ? .appVersion : equal(p, "device_type") ? .deviceType : nil
        default: return nil
        }
    }

    /// Whether the bytes at `p` start with `literal` (the caller checked the length).
    @inline(__always)
    private static func equal(_ p: UnsafeRawPointer, _ literal: StaticString) -> Bool {
        let q = UnsafeRawPointer(literal.utf8Start)
        for k in 0..<literal.utf8CodeUnitCount
        where p.load(fromByteOffset: k, as: UInt8.self) != q.load(fromByteOffset: k, as: UInt8.self) {
            return false
        }
        return true
    }

    // MARK: Rules

    private static let timestampRule = "timestamp must be unix seconds (an integer or a string of digits)"

    /// The event's unix seconds when every rule holds.
    private static func validate(_ f: Fields, _ s: inout JSONScanner) -> Result<Int64, LoginEventFailure> {
        guard let user = f.userID else { return .failure(.invalid("user_id is missing")) }
        guard user.kind == .string else { return .failure(.invalid("user_id must be a string, got \(user.kind.name)")) }
        guard user.token.end > user.token.start else { return .failure(.invalid("user_id is empty")) }

        guard let time = f.timestamp else { return .failure(.invalid("timestamp is missing")) }
        guard let seconds = unixSeconds(time, &s) else {
            return .failure(.invalid("\(timestampRule), got \(s.rendering(time))"))
        }

        if let failure = typeFailure(f.appVersion, "app_version") { return .failure(failure) }
        if let failure = typeFailure(f.deviceType, "device_type") { return .failure(failure) }
        if let failure = typeFailure(f.locale, "locale") { return .failure(failure) }
        if let failure = typeFailure(f.ip, "ip") { return .failure(failure) }
        if let failure = typeFailure(f.deviceID, "device_id") { return .failure(failure) }
        return .success(seconds)
    }

    /// An optional member must be absent, null or a string.
    @inline(__always)
    private static func typeFailure(_ value: Captured?, _ name: StaticString) -> LoginEventFailure? {
        guard let value, value.kind != .string, value.kind != .null else { return nil }
        return .invalid("\(name) must be a string or null, got \(value.kind.name)")
    }

    /// The timestamp's value when it is a JSON integer or a string of digits that fits Int64.
    private static func unixSeconds(_ value: Captured, _ s: inout JSONScanner) -> Int64? {
        switch value.kind {
        case .number:
            // A sign, a fraction or an exponent is not a digit, so it fails `digitsValue`.
            return digitsValue(UnsafeRawBufferPointer(start: s.base + value.token.start, count: value.token.end - value.token.start))
        case .string:
            return s.withUTF8(value.token) { digitsValue($0) }
        default:
            return nil
        }
    }

    /// The value of a non-empty run of ASCII digits that fits Int64.
    @inline(__always)
    private static func digitsValue(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for c in bytes {
            guard JSONByte.isDigit(c) else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(c &- JSONByte.zero))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }
}

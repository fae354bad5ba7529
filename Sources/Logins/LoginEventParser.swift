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
        guard let value else { return .failure(.malformed("tombstone (null value)")) }
        guard value.count > 0, value.baseAddress != nil else { return .failure(.malformed("empty value")) }
        var scanner = JSONScanner(value)
        var fields = Fields()
        let kind: JSONValueKind
        do throws(JSONScanError) {
            kind = try scanDocument(&scanner, into: &fields)
        } catch {
            // Bytes that are not UTF-8 are reported as such, whatever else is wrong with them.
            if error.kind == .notJSON, let notUTF8 = JSONUTF8.firstError(in: scanner.base, count: scanner.count) {
                return .failure(.malformed(notUTF8.reason))
            }
            return .failure(.malformed(error.reason))
        }
        guard kind == .object else {
            return .failure(.malformed("not a JSON object: got \(topLevelName(kind, scanner))"))
        }
        return validate(fields, &scanner).map { LoginEventView(fields: fields, scanner: scanner, timestamp: $0) }
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

    /// A member value as scanned: for a string, its content and escapes; otherwise its raw text.
    struct Captured {
        var kind: JSONValueKind
        var token: JSONStringToken
    }

    struct Fields {
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
        mutating func set(_ field: Field, _ value: Captured) {
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

    /// Scans the whole value; returns the kind of the top-level value, having captured
    /// the known members when it is an object.
    private static func scanDocument(
        _ s: inout JSONScanner, into fields: inout Fields
    ) throws(JSONScanError) -> JSONValueKind {
        if s.count >= 3 && s.byte(0) == 0xEF && s.byte(1) == 0xBB && s.byte(2) == 0xBF {
            throw s.syntaxError("byte order mark (BOM) before the JSON text", at: 0)
        }
        let kind: JSONValueKind
        if try s.peekToken() == JSONByte.openBrace {
            try scanObject(&s, into: &fields)
            kind = .object
        } else {
            kind = try s.skipValue(depth: 0)
        }
        try s.scanEnd()
        return kind
    }

    /// Scans the top-level object (depth 1) at `s.position`.
    @inline(__always)
    private static func scanObject(_ s: inout JSONScanner, into fields: inout Fields) throws(JSONScanError) {
        s.position += 1
        if try s.peekToken() == JSONByte.closeBrace {
            s.position += 1
            return
        }
        while true {
            let name = try s.scanMemberName()
            let first = try s.peekToken()
            if let field = field(named: name, &s) {
                if first == JSONByte.quote {
                    fields.set(field, Captured(kind: .string, token: try s.scanString()))
                } else {
                    let start = s.position
                    let kind = try s.skipValue(depth: 1)
                    fields.set(field, Captured(kind: kind, token: JSONStringToken(start: start, end: s.position, hasEscapes: false)))
                }
            } else {
                _ = try s.skipValue(depth: 1)
            }
            let next = try s.peekToken()
            if next == JSONByte.comma {
                s.position += 1
                if try s.peekToken() == JSONByte.closeBrace { throw s.syntaxError("trailing comma", at: s.position) }
            } else if next == JSONByte.closeBrace {
                s.position += 1
                return
            } else {
                throw s.unexpected(at: s.position, expected: "',' or '}'")
            }
        }
    }

    /// The known member a key names. Keys are compared by their decoded bytes.
    @inline(__always)
    private static func field(named name: JSONStringToken, _ s: inout JSONScanner) -> Field? {
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
            return .failure(.invalid("\(timestampRule), got \(render(time, s))"))
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

    // MARK: Messages

    /// What the top-level value is, for "not a JSON object: got ...".
    private static func topLevelName(_ kind: JSONValueKind, _ s: JSONScanner) -> String {
        guard kind == .boolean else { return kind.name }
        var i = 0
        while s.byte(i) != UInt8(ascii: "t") && s.byte(i) != UInt8(ascii: "f") { i += 1 }
        return s.byte(i) == UInt8(ascii: "t") ? "true" : "false"
    }

    /// The value as it was written, safe to log: at most about 40 bytes (cut on a character
    /// boundary and marked with "…"), control characters replaced.
    private static func render(_ value: Captured, _ s: JSONScanner) -> String {
        let limit = 40
        let start = value.kind == .string ? value.token.start - 1 : value.token.start
        let end = value.kind == .string ? value.token.end + 1 : value.token.end
        var stop = end
        if end - start > limit {
            stop = start + limit
            while stop > start && s.byte(stop) & 0xC0 == 0x80 { stop -= 1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(stop - start + 3)
        var i = start
        while i < stop {
            let c = s.byte(i)
            if c < 0x20 || c == 0x7F {
                out.append(JSONByte.space)  // whitespace between tokens; strings cannot hold raw controls
                i += 1
            } else if c == 0xC2 && s.byte(i + 1) < 0xA0 {
                out.append(UInt8(ascii: "?"))  // a C1 control character, U+0080...U+009F
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        if stop < end { out.append(contentsOf: "…".utf8) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A member value as scanned: for a string, its content and escapes; otherwise its raw text.
public struct JSONCapturedValue: Sendable {
    public var kind: JSONValueKind
    public var token: JSONStringToken

    @inlinable
    public init(kind: JSONValueKind, token: JSONStringToken) {
        self.kind = kind
        self.token = token
    }
}

/// What a workload keeps of a message's JSON object: the members it wants, captured as they are scanned.
public protocol JSONMemberCapture {
    /// Which of the workload's members the member `name` is, or `nil` to skip its value.
    associatedtype Slot
    func slot(named name: JSONStringToken, _ scanner: inout JSONScanner) -> Slot?
    /// Takes the value of a wanted member; a key that repeats is captured again, so the last one wins.
    mutating func capture(_ slot: Slot, _ value: JSONCapturedValue)
}

/// A Kafka message's value read as one JSON object (RFC 8259), whose members a workload picks: the
/// scanning and the reasons a value is not one (checked in this order: a tombstone, an empty value,
/// bytes that are not UTF-8 anywhere, not JSON, not an object) are the same for every workload.
public enum JSONObjectMessage {
    /// Scans the whole of `value` (`nil`: a tombstone), giving the members of the top-level object that
    /// `members` wants to it; the others are skipped.
    /// - Returns: the scanner over `value` (to read captured strings), or why `value` is not a JSON object.
    @inlinable
    public static func scan<Members: JSONMemberCapture>(_ value: UnsafeRawBufferPointer?, into members: inout Members) -> Result<JSONScanner, NotAnObject> {
        guard let value else { return .failure(NotAnObject(reason: "tombstone (null value)")) }
        guard value.count > 0, value.baseAddress != nil else { return .failure(NotAnObject(reason: "empty value")) }
        var scanner = JSONScanner(value)
        let kind: JSONValueKind
        do throws(JSONScanError) {
            kind = try scanDocument(&scanner, into: &members)
        } catch {
            // Bytes that are not UTF-8 are reported as such, whatever else is wrong with them.
            if error.kind == .notJSON, let notUTF8 = JSONUTF8.firstError(in: scanner.base, count: scanner.count) {
                return .failure(NotAnObject(reason: notUTF8.reason))
            }
            return .failure(NotAnObject(reason: error.reason))
        }
        guard kind == .object else { return .failure(NotAnObject(reason: "not a JSON object: got \(topLevelName(kind, scanner))")) }
        return .success(scanner)
    }

    /// Why a message's value is not a JSON object, in words: "empty value", "not a JSON object: got array".
    public struct NotAnObject: Error, Sendable, Equatable {
        public var reason: String

        public init(reason: String) {
            self.reason = reason
        }
    }

    /// Scans the whole value; returns the kind of the top-level value, having captured the wanted
    /// members when it is an object.
    @inlinable
    static func scanDocument<Members: JSONMemberCapture>(_ s: inout JSONScanner, into members: inout Members) throws(JSONScanError) -> JSONValueKind {
        if s.count >= 3 && s.byte(0) == 0xEF && s.byte(1) == 0xBB && s.byte(2) == 0xBF {
            throw s.syntaxError("byte order mark (BOM) before the JSON text", at: 0)
        }
        let kind: JSONValueKind
        if try s.peekToken() == JSONByte.openBrace {
            try scanObject(&s, into: &members)
            kind = .object
        } else {
            kind = try s.skipValue(depth: 0)
        }
        try s.scanEnd()
        return kind
    }

    /// Scans the top-level object (depth 1) at `s.position`.
    @inlinable
    static func scanObject<Members: JSONMemberCapture>(_ s: inout JSONScanner, into members: inout Members) throws(JSONScanError) {
        s.position += 1
        if try s.peekToken() == JSONByte.closeBrace {
            s.position += 1
            return
        }
        while true {
            let name = try s.scanMemberName()
            let first = try s.peekToken()
            if let wanted = members.slot(named: name, &s) {
                if first == JSONByte.quote {
                    members.capture(wanted, JSONCapturedValue(kind: .string, token: try s.scanString()))
                } else {
                    let start = s.position
                    let kind = try s.skipValue(depth: 1)
                    members.capture(wanted, JSONCapturedValue(kind: kind, token: JSONStringToken(start: start, end: s.position, hasEscapes: false)))
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

    /// What the top-level value is, for "not a JSON object: got ...".
    @usableFromInline
    static func topLevelName(_ kind: JSONValueKind, _ s: JSONScanner) -> String {
        guard kind == .boolean else { return kind.name }
        var i = 0
        while s.byte(i) != UInt8(ascii: "t") && s.byte(i) != UInt8(ascii: "f") { i += 1 }
        return s.byte(i) == UInt8(ascii: "t") ? "true" : "false"
    }
}

extension JSONScanner {
    /// A captured value as it was written, safe to log: at most about `limit` bytes (cut on a character
    /// boundary and marked with "…"), control characters replaced.
    public func rendering(_ value: JSONCapturedValue, limit: Int = 40) -> String {
        let start = value.kind == .string ? value.token.start - 1 : value.token.start
        let end = value.kind == .string ? value.token.end + 1 : value.token.end
        var stop = end
        if end - start > limit {
            stop = start + limit
            while stop > start && byte(stop) & 0xC0 == 0x80 { stop -= 1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(stop - start + 3)
        var i = start
        while i < stop {
            let c = byte(i)
            if c < 0x20 || c == 0x7F {
                out.append(JSONByte.space)  // whitespace between tokens; strings cannot hold raw controls
                i += 1
            } else if c == 0xC2 && byte(i + 1) < 0xA0 {
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

import JSONScanning
import Testing

/// Runs `body` on a scanner over `text`'s UTF-8 bytes.
private func scanning<R>(
    _ text: String, _ body: (inout JSONScanner) throws(JSONScanError) -> R
) throws(JSONScanError) -> R {
    try scanning(Array(text.utf8), body)
}

/// Runs `body` on a scanner over `bytes`.
private func scanning<R>(
    _ bytes: [UInt8], _ body: (inout JSONScanner) throws(JSONScanError) -> R
) throws(JSONScanError) -> R {
    let result = bytes.withUnsafeBytes { buffer -> Result<R, JSONScanError> in
        var scanner = JSONScanner(buffer)
        do throws(JSONScanError) {
            return .success(try body(&scanner))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}

/// The error scanning `text` as one document ends with, or nil when it is JSON.
private func documentError(_ text: String) -> JSONScanError? {
    do throws(JSONScanError) {
        try scanning(text) { (s) throws(JSONScanError) in
            _ = try s.peekToken()
            _ = try s.skipValue(depth: 0)
            try s.scanEnd()
        }
        return nil
    } catch {
        return error
    }
}

@Suite("JSONScanner")
struct JSONScannerTests {
    @Test(arguments: [
        (#"{"a":[1,{"b":null}]}"#, JSONValueKind.object), ("[]", .array), (#""x""#, .string), ("-0.5e+3", .number),
        ("true", .boolean), ("false", .boolean), ("null", .null),
    ])
    func skipValueReturnsTheKindAndStopsAfterIt(text: String, kind: JSONValueKind) throws {
        let (skipped, position) = try scanning(" \(text) ") { (s) throws(JSONScanError) in
            _ = try s.peekToken()
            return (try s.skipValue(depth: 0), s.position)
        }
        #expect(skipped == kind)
        #expect(position == text.utf8.count + 1)
    }

    @Test func stringTokensPointBetweenTheQuotesAndDecode() throws {
        let values = try scanning(#"{"plain":"abc","esc":"a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00z"}"#) {
            (s) throws(JSONScanError) -> [String] in
            s.position += 1
            var values: [String] = []
            for _ in 0..<2 {
                let name = try s.scanMemberName()
                #expect(!name.hasEscapes)
                _ = try s.peekToken()
                let token = try s.scanString()
                values.append(s.string(name) + "=" + s.string(token))
                values.append(s.withUTF8(token) { String(decoding: $0, as: UTF8.self) })
                _ = try s.peekToken()
                s.position += 1
            }
            return values
        }
        #expect(values == ["plain=abc", "abc", "esc=a\"\\/\u{8}\u{C}\n\r\té😀z", "a\"\\/\u{8}\u{C}\n\r\té😀z"])
    }

    @Test func nestingIsLimitedToMaxDepth() {
        let limit = JSONScanner.maxDepth
        #expect(documentError(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) == nil)
        let tooDeep = documentError(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))
        #expect(tooDeep?.detail == "nesting deeper than 512 levels")
        #expect(tooDeep?.offset == limit)
    }

    @Test(arguments: [
        ("[1,]", "trailing comma", 3),
        (" ", "unexpected end of input", 1),
        ("01", "leading zero in number", 0),
        ("[1] x", "unexpected 'x', expected nothing after the JSON value", 4),
        (#"{"a" 1}"#, "unexpected '1', expected ':' after the key", 5),
        (#""\ud800""#, #"lone surrogate escape \uD800"#, 1),
        ("\"a\u{1}\"", "unescaped control character 0x01 in string", 2),
        ("nul", "unexpected end of input", 3),
        ("nulL", "invalid literal (expected null)", 0),
    ])
    func errorsSayWhatAndWhere(text: String, detail: String, offset: Int) {
        #expect(documentError(text) == JSONScanError(kind: .notJSON, detail: detail, offset: offset))
    }

    @Test func invalidUTF8InAStringIsNotUTF8() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22]
        #expect(
            throws: JSONScanError(
                kind: .notUTF8, detail: "UTF-16 surrogate encoded as UTF-8 starting with 0xED", offset: 2)
        ) {
            try scanning(bytes) { (s) throws(JSONScanError) in _ = try s.scanString() }
        }
        let found = bytes.withUnsafeBytes { JSONUTF8.firstError(in: $0.baseAddress!, count: $0.count) }
        #expect(found?.reason == "not UTF-8: UTF-16 surrogate encoded as UTF-8 starting with 0xED at byte 2")
    }
}

import Logins
import Testing

private func parse(_ text: String) -> Result<LoginEvent, LoginEventFailure> {
    LoginEventParser.parse(Array(text.utf8))
}

private func eventOf(_ result: Result<LoginEvent, LoginEventFailure>) -> LoginEvent? {
    if case .success(let event) = result { return event }
    return nil
}

private func failureOf(_ result: Result<LoginEvent, LoginEventFailure>) -> LoginEventFailure? {
    if case .failure(let failure) = result { return failure }
    return nil
}

private let timestampRule = "timestamp must be unix seconds (an integer or a string of digits)"

// MARK: - Valid events

@Suite("LoginEventParser: valid events")
struct LoginEventParserValidTests {
    @Test func seedStreamEvent() {
        let text = #"{"user_id":"424cdd21-063a-43a7-b91b-7ca1a833afae","app_version":"2.3.0","device_type":"android","ip":"199.172.111.135","locale":"RU","device_id":"593-47-5928","timestamp":"1694479551"}"#
        #expect(
            parse(text)
                == .success(
                    LoginEvent(
                        userID: "424cdd21-063a-43a7-b91b-7ca1a833afae", appVersion: "2.3.0", deviceType: "android",
                        locale: "RU", ip: "199.172.111.135", deviceID: "593-47-5928", timestamp: 1_694_479_551)))
    }

    @Test func integerTimestamp() {
        #expect(
            parse(#"{"timestamp":1694479551,"device_type":"iOS","user_id":"u1"}"#)
                == .success(LoginEvent(userID: "u1", deviceType: "iOS", timestamp: 1_694_479_551)))
    }

    @Test(arguments: [
        ("0", Int64(0)),
        (#""0""#, 0),
        ("9223372036854775807", Int64.max),
        (#""9223372036854775807""#, Int64.max),
        (#""000001694479551""#, 1_694_479_551),
        (#""\u0031\u0032""#, 12),  // a string of digits, written with escapes
    ])
    func timestampBounds(written: String, expected: Int64) {
        #expect(parse(#"{"user_id":"u","timestamp":"# + written + "}") == .success(LoginEvent(userID: "u", timestamp: expected)))
    }

    @Test func nullOptionalFieldsAreNil() {
        let text = #"{"user_id":"u","app_version":null,"device_type":null,"locale":null,"ip":null,"device_id":null,"timestamp":5}"#
        #expect(parse(text) == .success(LoginEvent(userID: "u", timestamp: 5)))
    }

    @Test func missingOptionalFieldsAreNil() {
        #expect(parse(#"{"user_id":"u","timestamp":"7"}"#) == .success(LoginEvent(userID: "u", timestamp: 7)))
        #expect(
            parse(#"{"user_id":"u","locale":"DE","timestamp":"7"}"#)
                == .success(LoginEvent(userID: "u", locale: "DE", timestamp: 7)))
    }

    @Test func simpleEscapes() {
        let text = #"{"user_id":"a\"b\\c\/d\be\ff\ng\rh\ti","ip":"\"","timestamp":1}"#
        #expect(parse(text) == .success(LoginEvent(userID: "a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti", ip: "\"", timestamp: 1)))
    }

    @Test func unicodeEscapes() {
        let text = #"{"user_id":"\u00e9\u20AC\ud83d\ude00\u0000x\uFFFF","locale":"\u0052\u0055","timestamp":1}"#
        #expect(parse(text) == .success(LoginEvent(userID: "é€😀\u{0}x\u{FFFF}", locale: "RU", timestamp: 1)))
    }

    @Test func rawUnicode() {
        let text = #"{"user_id":"Zürich-日本-😀-\#u{10FFFF}","device_type":"Ω","timestamp":1}"#
        #expect(parse(text) == .success(LoginEvent(userID: "Zürich-日本-😀-\u{10FFFF}", deviceType: "Ω", timestamp: 1)))
    }

    @Test func escapedKeysMatch() {
        let text = #"{"user\u005fid":"u","\u0074imestamp":"5","device\u005Ftype":"iOS","\u0069\u0070":"1.2.3.4"}"#
        #expect(parse(text) == .success(LoginEvent(userID: "u", deviceType: "iOS", ip: "1.2.3.4", timestamp: 5)))
    }

    @Test func nearMissKeysAreIgnored() {
        for key in ["User_ID", "user_id ", " user_id", "userid", "user_i", "user_idx", "user_id\\u0000"] {
            #expect(
                parse(#"{""# + key + #"":"u","timestamp":1}"#) == .failure(.invalid("user_id is missing")),
                "key \(key)")
        }
    }

    @Test func extraFieldsOfEveryKindAreIgnored() {
        let text = #"""
            {"session":{"n":1,"deep":[[],{},[{"a":[1,2,{"b":"}]\"{["}]}],-0.5e-3,true,false,null]},
             "tags":["a","b"],"n":-12.5E+3,"t":true,"f":false,"z":null,"s":"x\u00e9\n",
             "user_id":"u","app_version":"3.0.0","timestamp":"99","geo":{"lat":55.75,"lon":37.61}}
            """#
        #expect(parse(text) == .success(LoginEvent(userID: "u", appVersion: "3.0.0", timestamp: 99)))
    }

    @Test func duplicateKeysLastWins() {
        #expect(parse(#"{"user_id":"a","user_id":"b","timestamp":1}"#) == .success(LoginEvent(userID: "b", timestamp: 1)))
        #expect(parse(#"{"user_id":1,"user_id":"b","timestamp":1}"#) == .success(LoginEvent(userID: "b", timestamp: 1)))
        #expect(
            parse(#"{"user_id":"a","user_id":1,"timestamp":1}"#) == .failure(.invalid("user_id must be a string, got number")))
        #expect(
            parse(#"{"user_id":"a","timestamp":"x","timestamp":2,"ip":"1","ip":null}"#)
                == .success(LoginEvent(userID: "a", timestamp: 2)))
        #expect(
            parse(#"{"user_id":"a","timestamp":2,"timestamp":"x"}"#)
                == .failure(.invalid(timestampRule + #", got "x""#)))
    }

    @Test func whitespaceAroundEveryToken() {
        let text = " \t\r\n{ \n\"user_id\"\t:\r\"u\" ,\n \"ip\" : null , \"tags\" : [ 1 , { \"a\" : [ ] } ] , \"timestamp\" : 3 \n} \r\n\t "
        #expect(parse(text) == .success(LoginEvent(userID: "u", timestamp: 3)))
    }

    @Test func nestingUpTo512LevelsIsAccepted() {
        // The top-level object is depth 1, so 511 more levels make 512.
        let text = #"{"user_id":"u","x":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + #","timestamp":1}"#
        #expect(parse(text) == .success(LoginEvent(userID: "u", timestamp: 1)))
        let objects = #"{"user_id":"u","x":"# + String(repeating: #"{"k":"#, count: 511) + "1" + String(repeating: "}", count: 511) + #","timestamp":1}"#
        #expect(parse(objects) == .success(LoginEvent(userID: "u", timestamp: 1)))
    }

    /// Strings of every length up to 40 with a special character at every position, to cover
    /// the 8-byte fast path and its edges.
    @Test func stringsOfEveryLengthAndEscapePosition() {
        let specials: [(written: String, decoded: String)] = [("x", "x"), (#"\n"#, "\n"), (#"\""#, "\""), ("é", "é"), ("😀", "😀"), (#"\u00e9"#, "é")]
        for length in 0...40 {
            for position in 0...length {
                for special in specials {
                    let prefix = String(repeating: "a", count: position)
                    let suffix = String(repeating: "b", count: length - position)
                    let text = #"{"user_id":""# + prefix + special.written + suffix + #"","timestamp":1}"#
                    #expect(
                        eventOf(parse(text))?.userID == prefix + special.decoded + suffix,
                        "length \(length), position \(position), \(special.written)")
                }
            }
        }
    }

    @Test func parsesOnlyTheGivenBytesOfALargerBuffer() {
        let bytes = Array(#"XX{"user_id":"u","timestamp":1}YY"#.utf8)
        let result = bytes.withUnsafeBytes { LoginEventParser.parse(UnsafeRawBufferPointer(rebasing: $0[2..<(bytes.count - 2)])) }
        #expect(result == .success(LoginEvent(userID: "u", timestamp: 1)))

        // The closing quote and brace lie just outside the given bytes.
        let cut = Array(#"{"timestamp":1,"user_id":"abcdefghijklmnopqrstuvwxyz"}"#.utf8)
        let truncated = cut.withUnsafeBytes { LoginEventParser.parse(UnsafeRawBufferPointer(rebasing: $0[0..<(cut.count - 2)])) }
        #expect(truncated == .failure(.malformed("not JSON: unexpected end of input at byte \(cut.count - 2)")))
    }

    /// Every prefix of an event, each in an allocation of exactly its size, so that a read past
    /// the end shows up under the address sanitizer (`swift test --sanitize=address`).
    @Test func everyPrefixInAnExactAllocation() {
        let whole = Array(#"{"user_id":"Zürich-0123456789abcdef","ip":"\u00e9\ud83d\ude00","n":[1.5e3,true,null,{}],"timestamp":"1694479551"}"#.utf8)
        for length in 0...whole.count {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 1), alignment: 1)
            defer { buffer.deallocate() }
            buffer.copyBytes(from: whole[..<length])
            let result = LoginEventParser.parse(UnsafeRawBufferPointer(rebasing: buffer[..<length]))
            if length == whole.count {
                #expect(result == .success(LoginEvent(userID: "Zürich-0123456789abcdef", ip: "é😀", timestamp: 1_694_479_551)))
            } else {
                #expect(failureOf(result)?.errorClass == .malformed, "prefix of \(length) bytes")
            }
        }
    }
}

// MARK: - Malformed

@Suite("LoginEventParser: malformed messages")
struct LoginEventParserMalformedTests {
    @Test func tombstone() {
        #expect(LoginEventParser.parse(nil as [UInt8]?) == .failure(.malformed("tombstone (null value)")))
        #expect(LoginEventParser.parse(nil as UnsafeRawBufferPointer?) == .failure(.malformed("tombstone (null value)")))
    }

    @Test func emptyValue() {
        #expect(LoginEventParser.parse([UInt8]()) == .failure(.malformed("empty value")))
        #expect(
            LoginEventParser.parse(UnsafeRawBufferPointer(start: nil, count: 0)) == .failure(.malformed("empty value")))
    }

    @Test func whitespaceOnlyIsNotJSON() {
        #expect(parse(" \n\t ") == .failure(.malformed("not JSON: unexpected end of input at byte 4")))
    }

    @Test func byteOrderMark() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"user_id":"u","timestamp":1}"#.utf8)
        #expect(
            LoginEventParser.parse(bytes)
                == .failure(.malformed("not JSON: byte order mark (BOM) before the JSON text at byte 0")))
    }

    /// Bytes that are not UTF-8, with the offset of the first bad byte.
    @Test(arguments: [
        ([0xFF], 12, "invalid byte 0xFF"),
        ([0x61, 0xFE], 13, "invalid byte 0xFE"),
        ([0x80], 12, "unexpected continuation byte 0x80"),
        ([0xC0, 0xAF], 12, "overlong encoding"),  // '/'
        ([0xC1, 0xBF], 12, "overlong encoding"),
        ([0xE0, 0x80, 0xAF], 12, "overlong encoding"),
        ([0xF0, 0x8F, 0xBF, 0xBF], 12, "overlong encoding"),
        ([0xED, 0xA0, 0x80], 12, "UTF-16 surrogate"),  // U+D800
        ([0xED, 0xBF, 0xBF], 12, "UTF-16 surrogate"),  // U+DFFF
        ([0xF4, 0x90, 0x80, 0x80], 12, "code point above U+10FFFF"),  // U+110000
        ([0xF5, 0x80, 0x80, 0x80], 12, "code point above U+10FFFF"),
        ([0xC3, 0x28], 12, "incomplete multi-byte sequence"),
        ([0xE2, 0x82], 12, "incomplete multi-byte sequence"),  // followed by the closing quote
        ([0x4D, 0xFC, 0x6E], 13, "invalid byte 0xFC"),  // Latin-1 "Mün"
    ] as [([UInt8], Int, String)])
    func notUTF8InsideAString(bad: [UInt8], offset: Int, detail: String) throws {
        let bytes = Array(#"{"user_id":""#.utf8) + bad + Array(#"","timestamp":1}"#.utf8)
        let failure = try #require(failureOf(LoginEventParser.parse(bytes)))
        #expect(failure.errorClass == .malformed)
        #expect(failure.reason.hasPrefix("not UTF-8: \(detail)"), "\(failure.reason)")
        #expect(failure.reason.hasSuffix(" at byte \(offset)"), "\(failure.reason)")
    }

    @Test func validUTF8EdgesAreAccepted() {
        // U+0080, U+07FF, U+0800, U+FFFD, U+E000 (after the surrogates), U+10000, U+10FFFF.
        let bytes: [UInt8] =
            Array(#"{"user_id":""#.utf8)
            + [0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBD, 0xEE, 0x80, 0x80, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF]
            + Array(#"","timestamp":1}"#.utf8)
        #expect(
            LoginEventParser.parse(bytes)
                == .success(LoginEvent(userID: "\u{80}\u{7FF}\u{800}\u{FFFD}\u{E000}\u{10000}\u{10FFFF}", timestamp: 1)))
    }

    @Test func notUTF8AnywhereElse() throws {
        let cases: [[UInt8]] = [
            Array(#"{"us"#.utf8) + [0xFF] + Array(#"er_id":"u","timestamp":1}"#.utf8),  // in a key
            Array(#"{"x":{"y":[""#.utf8) + [0xC0, 0x80] + Array(#""]},"user_id":"u","timestamp":1}"#.utf8),  // nested, ignored
            Array(#"{"user_id":"u","timestamp":1}"#.utf8) + [0xFF],  // after the object
            Array(#"{"user_id":"u","timestamp":"#.utf8) + [0xFF, 0x31, 0x7D],  // where a value should be
            [0xFF, 0xFE] + Array("{\0}\0".utf8),  // UTF-16LE with its byte order mark
            Array(#"{"user_id":"ab"#.utf8) + [0xE2, 0x82],  // truncated inside a sequence
            Array(#"[1,2,""#.utf8) + [0xFF] + Array(#""]"#.utf8),  // not an object either
            Array(#"{"a":01,"user_id":""#.utf8) + [0xFF] + Array(#""}"#.utf8),  // not JSON either
        ]
        for bytes in cases {
            let failure = try #require(failureOf(LoginEventParser.parse(bytes)))
            #expect(failure.errorClass == .malformed)
            #expect(failure.reason.hasPrefix("not UTF-8: "), "\(failure.reason)")
        }
        #expect(
            failureOf(LoginEventParser.parse(Array(#"{"us"#.utf8) + [0xFF] + Array(#"er":1}"#.utf8)))?.reason
                == "not UTF-8: invalid byte 0xFF at byte 4")
    }

    @Test(arguments: [
        // Truncated.
        "{", #"{""#, #"{"user_id""#, #"{"user_id":"#, #"{"user_id":"u"#, #"{"user_id":"u""#, #"{"user_id":"u","#,
        #"{"user_id":"u","timestamp":1"#, #"{"a":[1,2"#, #"{"a":{"b":1}"#, #"{"a":"\"#, #"{"a":"\u00"#, #"{"a":tr"#,
        #"{"a":-"#, #"{"a":1."#, #"{"a":1e"#, #"{"a":1e+"#,
        // Structure.
        "{,}", #"{"a":1,}"#, #"{"a":1,,"b":2}"#, #"{"a" 1}"#, #"{"a":}"#, #"{"a"}"#, #"{:1}"#, "{1:2}", #"{"a":1 "b":2}"#,
        #"{"a":[1,]}"#, #"{"a":[,1]}"#, #"{"a":[1 2]}"#, #"{"a":[}"#, #"{"a":{]}"#, #"{"a":{"b"}}"#, #"{"a":1}}"#,
        #"{"a":1}]"#, #"{"a":1} x"#, #"{"a":1}{"b":2}"#, "{\"a\":1}\n{\"b\":2}", "]", "}", ":", ",",
        // Not JSON spellings.
        "{'user_id':'u'}", "{user_id:\"u\"}", #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":-Infinity}"#,
        #"{"a":undefined}"#, #"{"a":None}"#, #"{"a":True}"#, #"{"a":nul}"#, #"{"a":nulll}"#, #"{"a":truefalse}"#,
        "login user=u ts=1", "// comment\n{}", "{/* c */}",
        // Numbers.
        #"{"a":01}"#, #"{"a":-01}"#, #"{"a":00}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":-}"#, #"{"a":1e}"#,
        #"{"a":1.e5}"#, #"{"a":0x10}"#, #"{"a":1_000}"#, #"{"a":--1}"#, #"{"a":1ee5}"#, "01", "-",
        // Strings.
        "{\"a\":\"x\u{1}y\"}", "{\"a\":\"x\ny\"}", "{\"a\":\"x\ty\"}", "{\"a\":\"\u{1F}\"}", "{\"a\":\"\u{0}\"}",
        #"{"a":"\x"}"#, #"{"a":"\'"}"#, #"{"a":"\U0041"}"#, #"{"a":"\u12"}"#, #"{"a":"\u12G4"}"#,
        #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"\ud800x"}"#, #"{"a":"\ud800\u0041"}"#, #"{"a":"\ud800\n"}"#,
        #"{"a":"\udc00\ud800"}"#, #"{"a":"\ud83d"}"#, #"{"user_id":"u\ud83d","timestamp":1}"#,
        #"{"user\ud800id":"u"}"#, "{\"a\":\"unterminated}",
    ])
    func notJSON(_ text: String) throws {
        let failure = try #require(failureOf(parse(text)))
        #expect(failure.errorClass == .malformed)
        #expect(failure.reason.hasPrefix("not JSON: "), "\(failure.reason)")
        #expect(failure.reason.contains(" at byte "), "\(failure.reason)")
    }

    @Test func notJSONReasonsNameTheProblemAndOffset() {
        #expect(parse(#"{"user_id":"u""#) == .failure(.malformed("not JSON: unexpected end of input at byte 14")))
        #expect(parse(#"{"a":1,}"#) == .failure(.malformed("not JSON: trailing comma at byte 7")))
        #expect(parse(#"{"a":[1,]}"#) == .failure(.malformed("not JSON: trailing comma at byte 8")))
        #expect(parse(#"{"a":01}"#) == .failure(.malformed("not JSON: leading zero in number at byte 5")))
        #expect(parse(#"{"a":NaN}"#) == .failure(.malformed("not JSON: unexpected 'N', expected a value at byte 5")))
        #expect(
            parse("{\"a\":\"x\ny\"}") == .failure(.malformed("not JSON: unescaped control character 0x0A in string at byte 7")))
        #expect(parse(#"{"a":"\x"}"#) == .failure(.malformed(#"not JSON: invalid escape '\x' at byte 6"#)))
        #expect(parse(#"{"a":"\ud800"}"#) == .failure(.malformed(#"not JSON: lone surrogate escape \uD800 at byte 6"#)))
        #expect(
            parse(#"{"a":1} {}"#) == .failure(.malformed("not JSON: unexpected '{', expected nothing after the JSON value at byte 8")))
        #expect(parse(#"{"a" 1}"#) == .failure(.malformed("not JSON: unexpected '1', expected ':' after the key at byte 5")))
    }

    @Test func nestingDeeperThan512IsMalformed() {
        let member = #"{"user_id":"u","timestamp":1,"x":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}"
        #expect(parse(member) == .failure(.malformed("not JSON: nesting deeper than 512 levels at byte 544")))
        let top = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(parse(top) == .failure(.malformed("not JSON: nesting deeper than 512 levels at byte 512")))
        // 512 levels of arrays at the top is JSON, just not an object.
        let top512 = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(parse(top512) == .failure(.malformed("not a JSON object: got array")))
        // Far deeper input fails the same way without recursion.
        let huge = #"{"x":"# + String(repeating: "[", count: 200_000)
        #expect(failureOf(parse(huge))?.reason.hasPrefix("not JSON: nesting deeper than 512 levels") == true)
    }

    @Test(arguments: [
        ("[]", "array"), (" [ ] ", "array"), (#"[{"user_id":"u","timestamp":1}]"#, "array"),
        (#""{\"user_id\":\"u\"}""#, "string"), ("1694479551", "number"), ("-1.5e3", "number"),
        ("true", "true"), (" false ", "false"), ("null", "null"),
    ])
    func notAnObject(text: String, got: String) {
        #expect(parse(text) == .failure(.malformed("not a JSON object: got \(got)")))
    }

    @Test func notJSONBeatsNotAnObject() {
        #expect(failureOf(parse("[1,"))?.reason == "not JSON: unexpected end of input at byte 3")
        #expect(failureOf(parse("[1] 2"))?.reason.hasPrefix("not JSON: ") == true)
        #expect(failureOf(parse("nul"))?.reason.hasPrefix("not JSON: ") == true)
    }
}

// MARK: - Invalid

@Suite("LoginEventParser: invalid events")
struct LoginEventParserInvalidTests {
    @Test(arguments: [
        ("{}", "user_id is missing"),
        (#"{"timestamp":1}"#, "user_id is missing"),
        (#"{"userId":"u","timestamp":1}"#, "user_id is missing"),
        (#"{"user_id":"","timestamp":1}"#, "user_id is empty"),
        (#"{"user_id":12345,"timestamp":1}"#, "user_id must be a string, got number"),
        (#"{"user_id":-1.5,"timestamp":1}"#, "user_id must be a string, got number"),
        (#"{"user_id":null,"timestamp":1}"#, "user_id must be a string, got null"),
        (#"{"user_id":true,"timestamp":1}"#, "user_id must be a string, got boolean"),
        (#"{"user_id":false,"timestamp":1}"#, "user_id must be a string, got boolean"),
        (#"{"user_id":{"id":"u"},"timestamp":1}"#, "user_id must be a string, got object"),
        (#"{"user_id":["u"],"timestamp":1}"#, "user_id must be a string, got array"),
        (#"{"user_id":"u"}"#, "timestamp is missing"),
        (#"{"user_id":"u","ts":1}"#, "timestamp is missing"),
        // Rules are checked in order: user_id first.
        (#"{"user_id":1}"#, "user_id must be a string, got number"),
        (#"{"timestamp":"x"}"#, "user_id is missing"),
    ])
    func brokenRule(text: String, reason: String) {
        #expect(parse(text) == .failure(.invalid(reason)))
    }

    @Test(arguments: [
        (#""abc""#, #""abc""#),
        (#""""#, #""""#),
        (#"" 1694479551""#, #"" 1694479551""#),
        (#""1694479551 ""#, #""1694479551 ""#),
        (#""+1694479551""#, #""+1694479551""#),
        (#""-1694479551""#, #""-1694479551""#),
        (#""1694479551.0""#, #""1694479551.0""#),
        (#""1e9""#, #""1e9""#),
        (#""2023-09-12T00:45:51Z""#, #""2023-09-12T00:45:51Z""#),
        (#""9223372036854775808""#, #""9223372036854775808""#),
        (#""\u0031a""#, #""\u0031a""#),
        (#""١٢٣""#, #""١٢٣""#),  // Arabic-Indic digits are not ASCII digits
        ("-1", "-1"),
        ("-0", "-0"),
        ("1694479551.5", "1694479551.5"),
        ("1694479551.0", "1694479551.0"),
        ("1.694479551e9", "1.694479551e9"),
        ("1694479551E0", "1694479551E0"),
        ("9223372036854775808", "9223372036854775808"),
        ("99999999999999999999999", "99999999999999999999999"),
        ("true", "true"),
        ("false", "false"),
        ("null", "null"),
        (#"{"s":1}"#, #"{"s":1}"#),
        ("[1]", "[1]"),
    ])
    func timestampNotUnixSeconds(written: String, shown: String) {
        #expect(
            parse(#"{"user_id":"u","timestamp":"# + written + "}") == .failure(.invalid("\(timestampRule), got \(shown)")))
    }

    @Test func badTimestampIsShownShortAndSafe() {
        let long = String(repeating: "a", count: 100)
        #expect(
            parse(#"{"user_id":"u","timestamp":""# + long + #""}"#)
                == .failure(.invalid(timestampRule + #", got ""# + String(repeating: "a", count: 39) + "…")))
        // Cut on a character boundary: the quote and 19 two-byte characters make 39 bytes.
        let accents = String(repeating: "é", count: 30)
        #expect(
            parse(#"{"user_id":"u","timestamp":""# + accents + #""}"#)
                == .failure(.invalid(timestampRule + #", got ""# + String(repeating: "é", count: 19) + "…")))
        // Whitespace between tokens and C1 controls do not reach the log raw.
        #expect(
            parse("{\"user_id\":\"u\",\"timestamp\":{\"a\":\n\t1}}")
                == .failure(.invalid(timestampRule + #", got {"a":  1}"#)))
        #expect(
            parse("{\"user_id\":\"u\",\"timestamp\":\"\u{9B}31m\"}")
                == .failure(.invalid(timestampRule + #", got "?31m""#)))
        // Escapes are shown as written.
        #expect(
            parse(#"{"user_id":"u","timestamp":"a\nb"}"#) == .failure(.invalid(timestampRule + #", got "a\nb""#)))
    }

    @Test(arguments: ["app_version", "device_type", "locale", "ip", "device_id"])
    func optionalFieldOfWrongType(field: String) {
        let wrong: [(json: String, got: String)] = [
            ("1", "number"), ("2.3", "number"), ("true", "boolean"), ("false", "boolean"), (#"{"v":"x"}"#, "object"), (#"["x"]"#, "array"),
        ]
        for (json, got) in wrong {
            #expect(
                parse(#"{"user_id":"u","timestamp":1,""# + field + #"":"# + json + "}")
                    == .failure(.invalid("\(field) must be a string or null, got \(got)")))
        }
    }

    @Test func ruleOrder() {
        #expect(
            parse(#"{"user_id":"u","timestamp":"x","ip":1}"#) == .failure(.invalid(timestampRule + #", got "x""#)))
        #expect(
            parse(#"{"device_id":[],"ip":1,"user_id":"u","timestamp":1,"app_version":1}"#)
                == .failure(.invalid("app_version must be a string or null, got number")))
        #expect(
            parse(#"{"device_id":[],"locale":true,"user_id":"u","timestamp":1}"#)
                == .failure(.invalid("locale must be a string or null, got boolean")))
    }

    @Test func failureValues() {
        let failure = LoginEventFailure.invalid("user_id is missing")
        #expect(failure.errorClass == .invalid)
        #expect(failure.reason == "user_id is missing")
        #expect(failure.description == "invalid: user_id is missing")
        #expect(LoginEventFailure.Class.malformed.rawValue == "malformed")
        #expect(failure != LoginEventFailure.malformed("user_id is missing"))
    }
}

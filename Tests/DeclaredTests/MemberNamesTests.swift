import Testing

@testable import Declared

@Suite struct MemberNamesTests {
    static let names = MemberNames(["ip", "ipx", "device_id", "device_type", "device_typo", "timestamp", "", "été", "a\u{0}b"])

    /// Names of one length that share their first eight bytes (or all but the last) are told apart.
    @Test(arguments: [("ip", 0), ("ipx", 1), ("device_id", 2), ("device_type", 3), ("device_typo", 4), ("timestamp", 5), ("", 6), ("été", 7), ("a\u{0}b", 8)])
    func findsEachNameByItsBytes(_ key: String, _ index: Int) {
        #expect(Array(key.utf8).withUnsafeBytes { Self.names.index(of: $0) } == index)
    }

    @Test(arguments: ["i", "IP", "device_typ", "device_types", "device_tzpe", "timestamq", "e\u{301}te\u{301}", "a\u{0}c", "ip "])
    func findsNoNameForOtherBytes(_ key: String) {
        #expect(Array(key.utf8).withUnsafeBytes { Self.names.index(of: $0) } == nil)
    }
}

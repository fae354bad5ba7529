/// The declared fields' JSON member names, found by a key's bytes with no call per comparison: a name's
/// length and first eight bytes are compared as two integers, the rest (when longer) byte by byte.
struct MemberNames: Sendable {
    private let counts: [Int]
    private let prefixes: [UInt64]
    private let names: [[UInt8]]

    init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
        counts = self.names.map(\.count)
        prefixes = self.names.map { $0.withUnsafeBytes(Self.prefix) }
    }

    /// The index of the name whose bytes are `key`'s, or nil.
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        let prefix = Self.prefix(key)
        for index in counts.indices where counts[index] == key.count && prefixes[index] == prefix {
            if key.count <= 8 { return index }
            let same = names[index].withUnsafeBytes { name in (8..<key.count).allSatisfy { name[$0] == key[$0] } }
            if same { return index }
        }
        return nil
    }

    /// The first eight bytes (fewer: zero-filled) as one integer; names of one length get theirs one way.
    private static func prefix(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        if bytes.count >= 8 { return bytes.loadUnaligned(as: UInt64.self) }
        var value: UInt64 = 0
        for (position, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * position) }
        return value
    }
}

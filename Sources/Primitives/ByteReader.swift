/// Reads what ``ByteWriter`` wrote, checking every length against the bytes that are there.
public struct ByteReader {
    private let bytes: [UInt8]
    public private(set) var position: Int

    public init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var isAtEnd: Bool { position >= bytes.count }

    public mutating func byte() throws(TruncatedBytes) -> UInt8 {
        guard position < bytes.count else { throw TruncatedBytes(position: position) }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func varint() throws(TruncatedBytes) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw TruncatedBytes(position: position) }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    public mutating func signed() throws(TruncatedBytes) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    public mutating func fixed() throws(TruncatedBytes) -> UInt64 {
        guard bytes.count - position >= 8 else { throw TruncatedBytes(position: position) }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    /// A length-prefixed byte string.
    public mutating func lengthPrefixed() throws(TruncatedBytes) -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else { throw TruncatedBytes(position: position) }
        defer { position += Int(length) }
        return bytes[position..<position + Int(length)]
    }

    public mutating func string() throws(TruncatedBytes) -> String {
        String(decoding: try lengthPrefixed(), as: UTF8.self)
    }

    /// Everything not read yet.
    public mutating func rest() -> ArraySlice<UInt8> {
        defer { position = bytes.count }
        return bytes[min(position, bytes.count)...]
    }
}

/// The bytes end before the value being read, or a varint runs past 64 bits.
public struct TruncatedBytes: Error, Sendable, CustomStringConvertible {
    public var position: Int
    public var description: String { "the bytes end or are malformed at position \(position)" }
}

/// Appends integers and byte strings to a byte buffer in a compact, stable form: unsigned LEB128
/// varints, zigzag for signed ones, length-prefixed bytes. ``ByteReader`` reads them back.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func append(varint value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A signed integer, zigzag-encoded so that small negative numbers stay short.
    public mutating func append(signed value: Int64) {
        append(varint: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Eight bytes, little-endian: for values that are random (tokens) or need a fixed width.
    public mutating func append(fixed value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A length-prefixed byte string.
    public mutating func append(lengthPrefixed value: UnsafeRawBufferPointer) {
        append(varint: UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func append(lengthPrefixed value: String) {
        var value = value
        value.withUTF8 { append(lengthPrefixed: UnsafeRawBufferPointer($0)) }
    }

    /// Bytes as they are, without a length.
    public mutating func append(raw value: some Collection<UInt8>) {
        bytes.append(contentsOf: value)
    }
}

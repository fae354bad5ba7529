/// Appends integers and byte strings to a byte buffer in a compact, stable form: unsigned LEB128
/// varints, zigzag for signed ones, length-prefixed bytes. ``ByteReader`` reads them back.
///
/// Its appends are `@inlinable`: the changelog encodes every value of every row a batch writes with
/// them, and a call into another module for each byte cost more than the encoding.
public struct ByteWriter: Sendable {
    @usableFromInline var storage: [UInt8]

    public init(capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// What was appended.
    @inlinable public var bytes: [UInt8] { storage }

    @inlinable public var count: Int { storage.count }

    @inlinable public mutating func append(byte: UInt8) {
        storage.append(byte)
    }

    @inlinable public mutating func append(varint value: UInt64) {
        var value = value
        while value >= 0x80 {
            storage.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        storage.append(UInt8(value))
    }

    /// A signed integer, zigzag-encoded so that small negative numbers stay short.
    @inlinable public mutating func append(signed value: Int64) {
        append(varint: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Eight bytes, little-endian: for values that are random (tokens) or need a fixed width.
    @inlinable public mutating func append(fixed value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    /// A length-prefixed byte string.
    @inlinable public mutating func append(lengthPrefixed value: UnsafeRawBufferPointer) {
        append(varint: UInt64(value.count))
        storage.append(contentsOf: value)
    }

    @inlinable public mutating func append(lengthPrefixed value: String) {
        var value = value
        value.withUTF8 { append(lengthPrefixed: UnsafeRawBufferPointer($0)) }
    }

    /// Bytes as they are, without a length.
    @inlinable public mutating func append(raw value: some Collection<UInt8>) {
        storage.append(contentsOf: value)
    }
}

/// JSON strings written straight into bytes, for messages built on the hot path.
public enum JSONStringWriter {
    /// Appends `bytes` (UTF-8) as a JSON string (quotes and backslashes escaped, control characters as
    /// `\u00XX`, the rest as UTF-8) to `out`, or `null` when `bytes` is nil.
    @inlinable
    public static func append(_ bytes: UnsafeRawBufferPointer?, to out: inout [UInt8]) {
        guard let bytes else {
            out += "null".utf8
            return
        }
        out.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape (nearly all of them) are copied whole.
        var plain = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain..<index]))
            if byte < 0x20 {
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            } else {
                out += [UInt8(ascii: "\\"), byte]
            }
            plain = index + 1
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain...]))
        out.append(UInt8(ascii: "\""))
    }

    @usableFromInline
    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

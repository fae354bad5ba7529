/// ASCII bytes the scanner cares about.
///
/// Computed and inlinable, so that they fold into constants in the modules that use them.
public enum JSONByte {
    @inlinable public static var quote: UInt8 { 0x22 }  // "
    @inlinable public static var backslash: UInt8 { 0x5C }  // \
    @inlinable public static var slash: UInt8 { 0x2F }  // /
    @inlinable public static var openBrace: UInt8 { 0x7B }  // {
    @inlinable public static var closeBrace: UInt8 { 0x7D }  // }
    @inlinable public static var openBracket: UInt8 { 0x5B }  // [
    @inlinable public static var closeBracket: UInt8 { 0x5D }  // ]
    @inlinable public static var comma: UInt8 { 0x2C }  // ,
    @inlinable public static var colon: UInt8 { 0x3A }  // :
    @inlinable public static var minus: UInt8 { 0x2D }  // -
    @inlinable public static var plus: UInt8 { 0x2B }  // +
    @inlinable public static var dot: UInt8 { 0x2E }  // .
    @inlinable public static var zero: UInt8 { 0x30 }  // 0
    @inlinable public static var nine: UInt8 { 0x39 }  // 9
    @inlinable public static var space: UInt8 { 0x20 }
    @inlinable public static var tab: UInt8 { 0x09 }
    @inlinable public static var newline: UInt8 { 0x0A }
    @inlinable public static var carriageReturn: UInt8 { 0x0D }

    /// Whether `c` is an ASCII digit.
    @inlinable @inline(__always)
    public static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }

    /// "'x'" for printable ASCII, "byte 0xNN" otherwise.
    public static func describe(_ c: UInt8) -> String {
        if c > 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte \(hex(c))"
    }

    /// "0x0A".
    public static func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(c >> 4)], digits[Int(c & 0xF)]], as: UTF8.self)
    }
}

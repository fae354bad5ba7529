/// Calls `body` with `value` written in decimal ASCII digits (a leading `-` when negative), from a
/// buffer on the stack: the text of a number sent as a header, without a `String` per message.
public func withDecimalText<R>(_ value: Int64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
        var start = buffer.count
        var rest = value.magnitude
        repeat {
            start -= 1
            buffer[start] = UInt8(truncatingIfNeeded: rest % 10) + UInt8(ascii: "0")
            rest /= 10
        } while rest > 0
        if value < 0 {
            start -= 1
            buffer[start] = UInt8(ascii: "-")
        }
        return try body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[start...]))
    }
}

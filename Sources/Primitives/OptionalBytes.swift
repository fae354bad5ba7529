/// Calls `body` with the bytes of `array`, or with `nil` when there is no array (a message without a
/// key, a tombstone). An empty array still comes with a non-nil base address, so that C APIs that
/// read a null pointer as "no value" (librdkafka, SQLite) keep it distinct from a missing one.
public func withOptionalBytes<R>(_ array: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let array else { return try body(nil) }
    if array.isEmpty {
        return try withUnsafeTemporaryAllocation(byteCount: 1, alignment: 1) { try body(UnsafeRawBufferPointer(start: $0.baseAddress, count: 0)) }
    }
    return try array.withUnsafeBytes { try body($0) }
}

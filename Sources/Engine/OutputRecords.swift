/// Messages for the output topic from one source partition, in offset order: each one's source offset,
/// key and value, their bytes back to back in one buffer, so that staging a record seldom allocates.
public struct OutputRecords: Sendable {
    private struct Record {
        var offset: Int64
        var keyStart: Int
        /// -1 for a record without a key.
        var keyCount: Int
        /// The value lies from the key's end (or `keyStart` without a key) up to here.
        var valueEnd: Int
    }

    private var records: [Record] = []
    private var bytes: [UInt8] = []

    public init() {}

    /// How many records it holds.
    public var count: Int { records.count }
    /// The bytes of their keys and values.
    public var byteCount: Int { bytes.count }

    /// Appends a record read at `offset`, keyed by `key` (`nil`: no key), whose value `writeValue` appends
    /// to the bytes it is given.
    public mutating func append(offset: Int64, key: UnsafeRawBufferPointer?, value writeValue: (inout [UInt8]) -> Void) {
        let keyStart = bytes.count
        if let key { bytes.append(contentsOf: key) }
        writeValue(&bytes)
        records.append(Record(offset: offset, keyStart: keyStart, keyCount: key?.count ?? -1, valueEnd: bytes.count))
    }

    /// Calls `body` with each record in order; the buffers are valid during the call.
    public func forEach(_ body: (_ offset: Int64, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { bytes in
            for record in records {
                let valueStart = record.keyStart + max(record.keyCount, 0)
                let key = record.keyCount < 0 ? nil : UnsafeRawBufferPointer(rebasing: bytes[record.keyStart..<valueStart])
                try body(record.offset, key, UnsafeRawBufferPointer(rebasing: bytes[valueStart..<record.valueEnd]))
            }
        }
    }
}

import Generators

/// Generated message values laid end to end in one buffer, so that every parser reads the same bytes
/// from the same memory and the measurement does not chase a million separate allocations.
final class Payloads {
    /// nil entries are tombstones (a Kafka message with no value).
    let ranges: [Range<Int>?]
    let bytes: UnsafeMutableRawBufferPointer

    /// `count` values from the synthetic generator.
    init(count: Int, seed: UInt64, badShare: Double) {
        var generator = LoginEventGenerator(seed: seed, badShare: badShare, baseTime: 1_700_000_000)
        var all: [UInt8] = []
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = generator.next().value else {
                ranges.append(nil)
                continue
            }
            ranges.append(all.count..<all.count + value.count)
            all.append(contentsOf: value)
        }
        self.ranges = ranges
        bytes = .allocate(byteCount: max(all.count, 1), alignment: 16)
        all.withUnsafeBytes { bytes.copyMemory(from: $0) }
    }

    deinit {
        bytes.deallocate()
    }

    var count: Int { ranges.count }
    var totalBytes: Int { ranges.reduce(0) { $0 + ($1?.count ?? 0) } }

    /// The value of message `index`, nil for a tombstone.
    @inline(__always)
    func value(_ index: Int) -> UnsafeRawBufferPointer? {
        guard let range = ranges[index] else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[range])
    }
}

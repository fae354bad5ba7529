/// Decimal text (`12.50`, `-3`, `0.125`) as an exact integer count of 10^-scale units.
enum DecimalValue {
    /// The units of `text` at `scale`, or `nil` when it is not a decimal, has more digits after the point
    /// than `scale`, or does not fit 64 bits.
    static func units(_ text: String, scale: Int) -> Int64? {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = point.map { bytes[..<$0] } ?? bytes
        let fraction = point.map { bytes[bytes.index(after: $0)...] } ?? Substring("").utf8[...]
        guard !whole.isEmpty, point == nil || !fraction.isEmpty, fraction.count <= scale else { return nil }
        var value: Int64 = 0
        for digit in Array(whole) + Array(fraction) + Array(repeating: UInt8(ascii: "0"), count: scale - fraction.count) {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }
}

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

    /// `units` at `scale` as decimal text: `1250` at 2 is `12.50`.
    static func text(_ units: Int64, scale: Int) -> String {
        guard scale > 0 else { return String(units) }
        let digits = String(units.magnitude)
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        let point = padded.index(padded.endIndex, offsetBy: -scale)
        return (units < 0 ? "-" : "") + padded[..<point] + "." + padded[point...]
    }
}

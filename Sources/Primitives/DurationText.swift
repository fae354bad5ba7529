import Foundation

/// Durations as users type them: `250ms`, `5s`, `10m`, `2h`, `7d`; a bare number means seconds.
public enum DurationText {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The milliseconds `text` stands for, or `nil` when it is not a duration (or is negative, or overflows).
    public static func milliseconds(_ text: String) -> Int64? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, scale) =
            units.first { text.hasSuffix($0.suffix) && Int64(text.dropLast($0.suffix.count)) != nil }
            .map { (Int64(text.dropLast($0.suffix.count))!, $0.milliseconds) } ?? (Int64(text) ?? -1, 1_000)
        let (value, overflow) = number.multipliedReportingOverflow(by: scale)
        guard number >= 0, !overflow else { return nil }
        return value
    }

    /// `milliseconds` in the largest unit that divides it: `90d`, `1h`, `250ms`.
    public static func format(milliseconds: Int64) -> String {
        for (suffix, scale) in units.reversed() where scale > 1 && milliseconds >= scale && milliseconds % scale == 0 {
            return "\(milliseconds / scale)\(suffix)"
        }
        return "\(milliseconds)ms"
    }
}

/// Unix seconds as `2023-09-12T00:45:51Z`, computed without Foundation's formatters (hot path).
public enum ISO8601UTC {
    /// `seconds` as text.
    public static func format(_ seconds: Int64) -> String {
        var out: [UInt8] = []
        append(seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text of `seconds` to `out`.
    @inlinable
    public static func append(_ seconds: Int64, to out: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // At least four digits (timestamps are not negative, so neither is the year).
        var divisor: Int64 = 1_000
        while divisor * 10 <= year { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(year / divisor % 10))
            divisor /= 10
        }
        func two(_ value: Int64, after separator: Character) {
            out.append(UInt8(ascii: separator.unicodeScalars.first!))
            out.append(UInt8(ascii: "0") + UInt8(value / 10))
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        two(month, after: "-")
        two(day, after: "-")
        two(secondOfDay / 3_600, after: "T")
        two(secondOfDay % 3_600 / 60, after: ":")
        two(secondOfDay % 60, after: ":")
        out.append(UInt8(ascii: "Z"))
    }
}

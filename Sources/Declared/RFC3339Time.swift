/// RFC 3339 date-times (`2026-12-01T08:10:00Z`, `2026-12-01t09:10:00.5+01:00`) as unix seconds.
enum RFC3339Time {
    /// The unix seconds of `text` (a fraction of a second is dropped), or `nil` when it is not an RFC 3339
    /// date-time or names a day that does not exist.
    static func unixSeconds(_ text: UnsafeRawBufferPointer) -> Int64? {
        let bytes = Array(text)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for c in bytes[start..<start + count] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(c - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2), byte(7) == UInt8(ascii: "-"),
            let day = number(8, 2), byte(10) == UInt8(ascii: "T") || byte(10) == UInt8(ascii: "t"),
            let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2), byte(16) == UInt8(ascii: ":"),
            let second = number(17, 2)
        else { return nil }
        var i = 19
        if byte(i) == UInt8(ascii: ".") {
            i += 1
            let digits = i
            while let c = byte(i), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { i += 1 }
            guard i > digits else { return nil }
        }
        var offset: Int64 = 0
        switch byte(i) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = number(i + 1, 2), byte(i + 3) == UInt8(ascii: ":"), let minutes = number(i + 4, 2), hours < 24, minutes < 60 else {
                return nil
            }
            offset = (hours * 3_600 + minutes * 60) * (byte(i) == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        default:
            return nil
        }
        guard i == bytes.count, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second <= 60
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

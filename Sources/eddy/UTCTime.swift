import Foundation

/// Unix seconds as `2026-11-25 15:21:02` in UTC, the way the tables show times.
enum UTCTime {
    static func format(_ seconds: Int64?) -> String {
        guard let seconds else { return "-" }
        return Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(
            Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)
        )
    }

    /// Now, in unix seconds.
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}

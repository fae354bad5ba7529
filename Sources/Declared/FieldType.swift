/// What a field's JSON value must be, and how it is stored.
public enum FieldType: String, Sendable, CaseIterable {
    /// A JSON string.
    case string
    /// A JSON integer (no fraction, no exponent) that fits 64 bits.
    case integer
    /// A JSON number, kept as a double.
    case number
    /// `true` or `false`, kept as 1 or 0.
    case boolean
    /// Unix seconds: a JSON integer or a string of digits.
    case unixSeconds = "unix-seconds"
    /// An RFC 3339 date-time string (`2026-12-01T08:10:00Z`, `…+01:00`), kept as unix seconds.
    case rfc3339
    /// A string of ASCII digits (`"0042"`), kept as an integer.
    case digits
    /// A decimal number as a JSON number or string (`"12.50"`), kept exactly as an integer count of
    /// 10^-scale units: sums stay exact.
    case decimal

    /// The SQLite column type.
    public var sqlType: String {
        switch self {
        case .string: "TEXT"
        case .number: "REAL"
        case .integer, .boolean, .unixSeconds, .rfc3339, .digits, .decimal: "INTEGER"
        }
    }

    /// A point in time, which windows and retention can use.
    public var isTime: Bool { self == .unixSeconds || self == .rfc3339 }

    /// A quantity that sums, and whose minimum and maximum mean something.
    public var isNumeric: Bool { self == .integer || self == .number || self == .digits || self == .decimal }
}

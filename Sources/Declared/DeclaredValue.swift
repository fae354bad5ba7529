import GRDB

/// A declared field's value in one message, as it is stored.
public enum DeclaredValue: Sendable, Equatable {
    /// Absent or null in an optional field.
    case null
    case text(String)
    /// An integer, digits, a decimal's units, a boolean (1 or 0), or a time in unix seconds.
    case integer(Int64)
    case real(Double)
}

extension DeclaredValue {
    /// Texts are equal when their UTF-8 bytes are, as SQLite compares them (Swift's `==` takes canonically
    /// equivalent texts, "é" and "e\u{301}", for one).
    public static func == (a: DeclaredValue, b: DeclaredValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.text(let x), .text(let y)): x.utf8.elementsEqual(y.utf8)
        case (.integer(let x), .integer(let y)): x == y
        case (.real(let x), .real(let y)): x == y
        default: false
        }
    }

    /// The value as SQLite stores it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .text(let text): text.databaseValue
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        }
    }

    /// `text` (a field's `default`) as a value of `field`'s type.
    init?(default text: String, of field: DeclaredField) {
        switch field.type {
        case .string: self = .text(text)
        case .integer, .digits: guard let value = Int64(text) else { return nil }; self = .integer(value)
        case .number: guard let value = Double(text) else { return nil }; self = .real(value)
        case .boolean: self = .integer(text == "true" ? 1 : 0)
        case .decimal: guard let units = DecimalValue.units(text, scale: field.scale) else { return nil }; self = .integer(units)
        case .unixSeconds, .rfc3339: return nil
        }
    }
}

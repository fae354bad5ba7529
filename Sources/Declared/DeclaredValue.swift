/// A declared field's value in one message, as it is stored.
public enum DeclaredValue: Sendable, Equatable {
    /// Absent or null in an optional field.
    case null
    case text(String)
    /// An integer, digits, a decimal's units, a boolean (1 or 0), or a time in unix seconds.
    case integer(Int64)
    case real(Double)
}

/// A rule a field's value must follow beyond its type; a message that breaks it fails as `invalid`,
/// with a reason that names the field.
public enum FieldCheck: Sendable, Equatable {
    /// A string with at least one character.
    case nonEmpty
    /// A string among these.
    case oneOf([String])
    /// A number within these bounds, both included; `nil` for no bound on that side.
    case range(min: Double?, max: Double?)
    /// A string of at most this many characters.
    case maxLength(Int)
}

/// One member of the JSON messages: where it is, what it must be, and the column it goes to.
public struct DeclaredField: Sendable, Equatable {
    /// How the rest of the file names it.
    public var name: String
    /// The member of the top-level JSON object it is read from.
    public var path: String
    /// Its column in the tables that keep it.
    public var column: String
    public var type: FieldType
    /// For `decimal`: the digits kept after the point (the column holds the value times 10^scale).
    public var scale: Int
    /// A message without it (absent or null) fails as `invalid`; else the field is NULL in the events table.
    public var required: Bool
    /// What an aggregation groups a message without it under (`unknown`); `nil` when it has none.
    public var defaultValue: String?
    public var checks: [FieldCheck]
}

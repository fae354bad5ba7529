/// The kind of a JSON value.
public enum JSONValueKind: Sendable, Equatable {
    case object, array, string, number, boolean, null

    /// "object", "array", "string", "number", "boolean" or "null".
    public var name: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .boolean: "boolean"
        case .null: "null"
        }
    }
}

/// What is published for each valid message: the topic, the field whose value is the record's key,
/// and the fields of the JSON object sent.
public struct OutputDeclaration: Sendable, Equatable {
    public var topic: String
    public var key: String
    public var fields: [String]
}

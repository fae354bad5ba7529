/// One column of an aggregation: what it computes over the messages of a window and group.
public struct Measure: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// How many messages.
        case count
        /// The sum of a numeric field (a missing value adds nothing).
        case sum(String)
        /// The smallest value of a numeric or time field; NULL while no message had one.
        case min(String)
        /// The largest value of a numeric or time field; NULL while no message had one.
        case max(String)
    }

    /// Its column.
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The field it reads; `nil` for a count.
    public var field: String? {
        switch kind {
        case .count: nil
        case .sum(let field), .min(let field), .max(let field): field
        }
    }
}

/// A scanned JSON string: the byte offsets of what lies between its quotes, and whether it contains escapes.
public struct JSONStringToken: Sendable {
    /// The offset of the first byte after the opening quote.
    public var start: Int
    /// The offset of the closing quote.
    public var end: Int
    /// Whether a backslash occurs between the quotes, so that the bytes differ from the value.
    public var hasEscapes: Bool

    /// A token for the bytes start..<end; `hasEscapes` must say whether a backslash is among them.
    @inlinable
    public init(start: Int, end: Int, hasEscapes: Bool) {
        self.start = start
        self.end = end
        self.hasEscapes = hasEscapes
    }
}

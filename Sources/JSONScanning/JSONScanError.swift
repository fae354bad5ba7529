/// Why the bytes are not JSON, or not UTF-8.
public struct JSONScanError: Error, Sendable, Equatable {
    /// What kind of problem it is.
    public enum Kind: Sendable, Equatable {
        case notUTF8, notJSON
    }

    /// Whether the bytes are not UTF-8 or not JSON.
    public var kind: Kind
    /// What is wrong, e.g. "unexpected end of input".
    public var detail: String
    /// Byte offset into the value where the problem was found.
    public var offset: Int

    /// The error `detail` of `kind` at byte `offset`.
    public init(kind: Kind, detail: String, offset: Int) {
        self.kind = kind
        self.detail = detail
        self.offset = offset
    }

    /// "not JSON: trailing comma at byte 17", "not UTF-8: invalid byte 0xFF at byte 12".
    public var reason: String {
        switch kind {
        case .notUTF8: "not UTF-8: \(detail) at byte \(offset)"
        case .notJSON: "not JSON: \(detail) at byte \(offset)"
        }
    }
}

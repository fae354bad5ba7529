/// Why a message is not a valid login event.
public struct LoginEventFailure: Error, Sendable, Equatable {
    public enum Class: String, Sendable {
        /// The bytes cannot be read as a JSON object: a tombstone, an empty value,
        /// bytes that are not UTF-8 or not JSON, or JSON that is not an object.
        case malformed
        /// A JSON object that breaks a rule of the login event (a field missing or of the wrong type).
        case invalid
    }

    public var errorClass: Class
    /// The rule that was broken, in words, e.g. "user_id is missing".
    public var reason: String

    public init(errorClass: Class, reason: String) {
        self.errorClass = errorClass
        self.reason = reason
    }

    public static func malformed(_ reason: String) -> LoginEventFailure {
        LoginEventFailure(errorClass: .malformed, reason: reason)
    }

    public static func invalid(_ reason: String) -> LoginEventFailure {
        LoginEventFailure(errorClass: .invalid, reason: reason)
    }
}

extension LoginEventFailure: CustomStringConvertible {
    /// "malformed: empty value", "invalid: user_id is missing", ...
    public var description: String { "\(errorClass.rawValue): \(reason)" }
}

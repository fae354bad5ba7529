/// A validated user-login event.
///
/// `LoginEventParser` produces it from the raw bytes of a Kafka message; every
/// optional field is `nil` when the message left it out or sent `null`.
public struct LoginEvent: Sendable, Equatable {
    public var userID: String
    public var appVersion: String?
    public var deviceType: String?
    public var locale: String?
    public var ip: String?
    public var deviceID: String?
    /// Unix seconds.
    public var timestamp: Int64

    public init(
        userID: String,
        appVersion: String? = nil,
        deviceType: String? = nil,
        locale: String? = nil,
        ip: String? = nil,
        deviceID: String? = nil,
        timestamp: Int64
    ) {
        self.userID = userID
        self.appVersion = appVersion
        self.deviceType = deviceType
        self.locale = locale
        self.ip = ip
        self.deviceID = deviceID
        self.timestamp = timestamp
    }
}

@testable import Logins

extension LoginCountKey {
    /// The row a parsed event counts in, as the tests read the rule: its minute, and `unknown` for a
    /// missing dimension.
    init(_ event: LoginEvent) {
        self.init(
            windowStart: MinuteWindow.start(of: event.timestamp),
            deviceType: event.deviceType ?? Self.unknown,
            locale: event.locale ?? Self.unknown,
            appVersion: event.appVersion ?? Self.unknown
        )
    }
}

@testable import Logins

extension LoginCountKey {
    /// The row a parsed event counts in, as the tests read the rule: its minute, and `unknown` for a
    /// missing dimension; the tests sum over partitions, so the partition is left out.
    init(_ event: LoginEvent) {
        self.init(
            windowStart: MinuteWindow.start(of: event.timestamp),
            deviceType: event.deviceType ?? Self.unknown,
            locale: event.locale ?? Self.unknown,
            appVersion: event.appVersion ?? Self.unknown,
            topic: "",
            partition: -1
        )
    }
}

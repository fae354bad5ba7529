/// One row of `login_counts`: a minute and the three dimensions, `unknown` where the event had none.
struct LoginCountKey: Hashable {
    static let unknown = "unknown"

    var windowStart: Int64
    var deviceType: String
    var locale: String
    var appVersion: String

    init(windowStart: Int64, deviceType: String, locale: String, appVersion: String) {
        self.windowStart = windowStart
        self.deviceType = deviceType
        self.locale = locale
        self.appVersion = appVersion
    }
}

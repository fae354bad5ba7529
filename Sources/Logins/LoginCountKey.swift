/// One row of `login_counts`: a minute and the three dimensions, `unknown` where the event had none,
/// counted for the source partition the events came from.
struct LoginCountKey: Hashable {
    static let unknown = "unknown"
    /// Where counts go that are not kept per partition (the changelog off), and counts from before.
    static let unattributedTopic = ""
    static let unattributedPartition: Int32 = -1

    var windowStart: Int64
    var deviceType: String
    var locale: String
    var appVersion: String
    var topic: String
    var partition: Int32

    init(windowStart: Int64, deviceType: String, locale: String, appVersion: String, topic: String, partition: Int32) {
        self.windowStart = windowStart
        self.deviceType = deviceType
        self.locale = locale
        self.appVersion = appVersion
        self.topic = topic
        self.partition = partition
    }
}

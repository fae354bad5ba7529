/// One row of `login_counts`: a minute and the three dimensions, `unknown` where the event had none,
/// counted for the source partition the events came from.
///
/// Keys are equal when their texts have the same UTF-8 bytes, as SQLite's key compares them: Swift's
/// `==` takes canonically equivalent texts ("é" and "e\u{301}") for one, which would count one spelling
/// under the other's row.
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

    /// Kafka topic names are ASCII, where Swift's `==` compares bytes; the dimensions need a byte check.
    static func == (a: LoginCountKey, b: LoginCountKey) -> Bool {
        a.windowStart == b.windowStart && a.partition == b.partition && a.topic == b.topic && sameBytes(a.deviceType, b.deviceType)
            && sameBytes(a.locale, b.locale) && sameBytes(a.appVersion, b.appVersion)
    }

    /// Swift's hash, which keys with the same bytes share since they are equal to Swift too.
    func hash(into hasher: inout Hasher) {
        hasher.combine(windowStart)
        hasher.combine(partition)
        hasher.combine(topic)
        hasher.combine(deviceType)
        hasher.combine(locale)
        hasher.combine(appVersion)
    }

    /// Equal to Swift (fast for differing or ASCII texts) and the same bytes.
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a == b else { return false }
        var a = a
        var b = b
        return a.withUTF8 { a in b.withUTF8 { b in a.elementsEqual(b) } }
    }
}

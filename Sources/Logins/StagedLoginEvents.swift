/// The valid events of a batch. Their text is copied into one byte buffer, reserved for the batch, so
/// staging an event seldom allocates and the text is bound to SQL from there.
struct StagedLoginEvents {
    /// Where a text lies in the buffer; `count` -1 stands for `nil`.
    struct Span: Hashable {
        var start: Int32
        var count: Int32

        static let null = Span(start: 0, count: -1)
    }

    struct Event {
        var topic: Span
        var partition: Int32
        var offset: Int64
        /// Unix seconds.
        var timestamp: Int64
        var userID: Span
        var appVersion: Span
        var deviceType: Span
        var locale: Span
        var ip: Span
        var deviceID: Span
    }

    private(set) var events: [Event] = []
    private var bytes: [UInt8] = []
    private var lastTopic: (name: String, span: Span)?

    /// Copies the event in `view` (read from `topic`/`partition`/`offset`).
    mutating func append(_ view: inout LoginEventView, topic: String, partition: Int32, offset: Int64) {
        let topicSpan: Span
        if let lastTopic, lastTopic.name == topic {
            topicSpan = lastTopic.span
        } else {
            var name = topic
            topicSpan = name.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
            lastTopic = (topic, topicSpan)
        }
        events.append(
            Event(
                topic: topicSpan,
                partition: partition,
                offset: offset,
                timestamp: view.timestamp,
                userID: view.withText(.userID) { copy($0) },
                appVersion: view.withText(.appVersion) { copy($0) },
                deviceType: view.withText(.deviceType) { copy($0) },
                locale: view.withText(.locale) { copy($0) },
                ip: view.withText(.ip) { copy($0) },
                deviceID: view.withText(.deviceID) { copy($0) }
            ))
    }

    /// Calls `body` with a reader of the events' text, valid during the call.
    func withText<R>(_ body: (Text) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try body(Text(base: $0.baseAddress)) }
    }

    /// Makes room for `count` events of typical size.
    mutating func reserveCapacity(_ count: Int) {
        events.reserveCapacity(count)
        bytes.reserveCapacity(count * Self.typicalTextBytes)
    }

    /// The text of one user-login event, about: a UUID, a version, a device, a locale, an IP, a device id.
    private static let typicalTextBytes = 96

    private mutating func copy(_ text: UnsafeRawBufferPointer?) -> Span {
        guard let text else { return .null }
        let span = Span(start: Int32(bytes.count), count: Int32(text.count))
        bytes.append(contentsOf: text)
        return span
    }

    /// The bytes of each span, while ``StagedLoginEvents/withText(_:)`` runs.
    struct Text {
        let base: UnsafeRawPointer?

        @inline(__always)
        subscript(span: Span) -> UnsafeRawBufferPointer? {
            guard span.count >= 0 else { return nil }
            // An empty text still gets a non-nil address, so it stays distinct from a missing one.
            guard let base else { return UnsafeRawBufferPointer(start: emptyText, count: 0) }
            return UnsafeRawBufferPointer(start: base + Int(span.start), count: Int(span.count))
        }
    }
}

private var emptyText: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }

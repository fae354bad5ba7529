import Engine

/// The staged effects of one batch of messages for a ``DeclaredWorkload``: its events' rows, and each
/// aggregation's measures per window, group and source partition, summed in memory so that each key is
/// written once per batch.
public struct DeclaredBatch: Sendable {
    /// A kept event's source; its values are the cells of ``values`` at `index × fields`.
    struct Event: Sendable {
        /// Its place in ``topics``.
        var topic: Int32
        var partition: Int32
        var offset: Int64
    }

    var events: [Event] = []
    /// The source topics of the events (a batch seldom has more than one).
    var topics: [String] = []
    /// The values of the kept events, every declared field of each, in order.
    var values = StagedValues()
    /// The messages for the output topic, each carrying its bytes.
    var output = StagedOutput(namedIn: nil)
    /// Per aggregation, in the file's order: its rows and their measures.
    var windows: [WindowRows]
    /// The oldest window start each aggregation still takes, read from the clock once per batch.
    var lateBefore: [Int64?]?

    /// The place of `topic` in ``topics``, added when new.
    mutating func topicIndex(_ topic: String) -> Int32 {
        if let last = topics.last, last == topic { return Int32(topics.count - 1) }
        if let index = topics.firstIndex(of: topic) { return Int32(index) }
        topics.append(topic)
        return Int32(topics.count - 1)
    }

    /// `measures`: how many measures each aggregation has, in the file's order.
    init(measures: [Int]) {
        windows = measures.map(WindowRows.init)
    }
}

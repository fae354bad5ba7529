import Engine

/// The staged effects of one batch of messages for a ``DeclaredWorkload``: its events' rows, and each
/// aggregation's measures per window, group and source partition, summed in memory so that each key is
/// written once per batch.
public struct DeclaredBatch: Sendable {
    struct Event: Sendable {
        var topic: String
        var partition: Int32
        var offset: Int64
        /// Every declared field's value, in the file's order.
        var values: [DeclaredValue]
    }

    /// One row of an aggregation: a window, a source partition and a group.
    struct WindowKey: Hashable, Sendable {
        var start: Int64
        var topic: String
        var partition: Int32
        var groups: [DeclaredValue]
    }

    var events: [Event] = []
    /// The messages for the output topic, each carrying its bytes.
    var output = StagedOutput(namedIn: nil)
    /// Per aggregation, in the file's order: each row's measures, in the aggregation's order.
    var windows: [[WindowKey: [DeclaredValue]]]
    /// The oldest window start each aggregation still takes, read from the clock once per batch.
    var lateBefore: [Int64?]?

    init(aggregations: Int) {
        windows = Array(repeating: [:], count: aggregations)
    }
}

/// Rows of one table that unsent outbox records name by offset range, per source partition: from the
/// lowest offset any of them names. Retention leaves them (and every later row of the partition) until
/// the records are sent, since sending reads them back (``Outbox/namedRows(_:table:)``).
public struct NamedRows: Sendable {
    private var lowest: [String: [Int32: Int64]] = [:]

    public init() {}

    /// Adds a range of `topic`/`partition` that starts at `from`.
    public mutating func include(topic: String, partition: Int32, from: Int64) {
        lowest[topic, default: [:]][partition] = min(from, lowest[topic]?[partition] ?? .max)
    }

    /// The lowest offset of the partition that a record names, or `Int64.max` when none does: rows from
    /// there on must stay.
    public func lowestOffset(topic: String, partition: Int32) -> Int64 {
        lowest[topic]?[partition] ?? .max
    }
}

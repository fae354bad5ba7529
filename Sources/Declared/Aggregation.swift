/// A table of measures per tumbling window and group: one row per window, group and source partition
/// (`SUM(...) GROUP BY` gives the totals across partitions).
public struct Aggregation: Sendable, Equatable {
    public var table: String
    /// The window's size in seconds; windows start at multiples of it (UTC).
    public var windowSeconds: Int64
    /// The field whose time puts a message in a window.
    public var time: String
    /// The column holding each window's start, in unix seconds.
    public var windowColumn: String
    /// The names of the fields it groups by, in column order.
    public var groupBy: [String]
    public var measures: [Measure]
    /// How long windows stay, by their start; `nil` keeps them forever.
    public var retentionSeconds: Int64?
    /// How late a message may come after its window ended; later, it fails as `late`. `nil`: until the
    /// retention deletes the window (always, without one).
    public var latenessSeconds: Int64?
}

/// The table that keeps one row per valid message: its source topic, partition and offset, and the
/// fields named.
public struct EventsTable: Sendable, Equatable {
    public var table: String
    /// The names of the fields it keeps, in column order.
    public var fields: [String]
    /// The field whose time retention goes by; needed with a retention.
    public var time: String?
    /// How long rows stay by that time; `nil` keeps them forever.
    public var retentionSeconds: Int64?
    /// The map of which offsets hold each minute's events, through which retention deletes.
    public var minutesTable: String
}

/// What to restore of one source partition: the line that wins, how far it goes, and the changelog
/// records to apply, in order, to rebuild the partition's rows.
public struct RestorePlan: Sendable, Equatable {
    public var line: Int64
    public var epoch: Int64
    /// The last change set of the line that the restored state holds.
    public var seq: Int64
    /// Where the source partition resumes: the offset the restored state was computed up to.
    public var nextSourceOffset: Int64?
    /// The changelog offsets of the records to apply (snapshot chunks, then change set chunks), in order.
    public var records: [Int64]
    /// The highest epoch anywhere in the partition's history: a new claim takes the next one.
    public var highestEpoch: Int64
    /// Unix seconds: when the snapshot (or the claim from nothing) the state is built on was written.
    /// Records before it may expire once a newer snapshot is in the log.
    public var baseTime: Int64
}

/// Where one source partition stands in the changelog, as this database holds it (`changelog_lines`).
public struct ChangelogLine: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The token of the line of history this database continues.
    public var line: Int64
    public var epoch: Int64
    /// The last change set of the line written here; 0 right after the claim.
    public var seq: Int64
    /// The line and change set this line continues; `nil` when it starts from nothing or its own snapshot.
    public var parent: (line: Int64, seq: Int64)?
    /// Unix seconds.
    public var claimedAt: Int64
    /// Unix seconds: when the snapshot (or the start from nothing) that the state is built on was
    /// written; the next snapshot is due an interval later.
    public var snapshotAt: Int64

    public init(
        topic: String, partition: Int32, line: Int64, epoch: Int64, seq: Int64, parent: (line: Int64, seq: Int64)?, claimedAt: Int64,
        snapshotAt: Int64
    ) {
        self.snapshotAt = snapshotAt
        self.topic = topic
        self.partition = partition
        self.line = line
        self.epoch = epoch
        self.seq = seq
        self.parent = parent
        self.claimedAt = claimedAt
    }

    public static func == (lhs: ChangelogLine, rhs: ChangelogLine) -> Bool {
        lhs.topic == rhs.topic && lhs.partition == rhs.partition && lhs.line == rhs.line && lhs.epoch == rhs.epoch
            && lhs.seq == rhs.seq && lhs.parent?.line == rhs.parent?.line && lhs.parent?.seq == rhs.parent?.seq
            && lhs.claimedAt == rhs.claimedAt && lhs.snapshotAt == rhs.snapshotAt
    }
}

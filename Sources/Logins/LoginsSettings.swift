/// What the user-login workload keeps and publishes.
public struct LoginsSettings: Sendable {
    /// Keep one `login_events` row per valid event (counts are always kept).
    public var storeEvents: Bool
    /// How long `login_events` rows stay, by event time; `nil` keeps them forever.
    public var eventsRetentionSeconds: Int64?
    /// How long `login_counts` windows stay, by window start; `nil` keeps them forever. An event whose
    /// window is already older than this is `late`: it goes to `failed_messages` instead of
    /// resurrecting a pruned window.
    public var countsRetentionSeconds: Int64?
    /// Write each valid event to the outbox for the output topic.
    public var publishes: Bool
    /// The changelog is on: count per source partition in `login_counts`, so that the counts can move
    /// with their partition, and encode the stored events' changelog rows while staging. Off, every
    /// count goes to the row of topic `''` and partition -1, one row per key as for a single instance:
    /// half the upserts, into a table a partition count smaller.
    public var changelog: Bool

    /// Events are published or sent to the changelog, so that a larger one than ``RecordSizeLimit`` allows
    /// fails as `too_large`; neither on: no limit.
    public var limitsEventSize: Bool { publishes || changelog }

    public init(
        storeEvents: Bool = true,
        eventsRetentionSeconds: Int64? = 7 * 86_400,
        countsRetentionSeconds: Int64? = 90 * 86_400,
        publishes: Bool = false,
        changelog: Bool = false
    ) {
        self.changelog = changelog
        self.storeEvents = storeEvents
        self.eventsRetentionSeconds = eventsRetentionSeconds
        self.countsRetentionSeconds = countsRetentionSeconds
        self.publishes = publishes
    }
}

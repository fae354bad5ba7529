import Kafka

/// The changelog topic that carries each partition's state to its next owner.
public struct ChangelogSettings: Sendable {
    /// The topic: one partition per source partition, the same number.
    public var topic: String
    /// librdkafka properties for its producer (the relay's, when the output topic is off) and reader.
    public var kafka: KafkaConfig
    /// How long a partition that leaves waits for its changelog records to reach the broker before its
    /// rows are dropped; whatever is left is processed again by the next owner.
    public var handOverTimeout: Duration
    /// How often each partition's owner writes a snapshot of its rows to the changelog, counted from
    /// the snapshot its state is built on. The topic's retention must be longer (Eddy creates it with
    /// ``retention``).
    public var snapshotInterval: Duration
    /// The rows of the records just committed, for the relay of the same run (shared by the copies of
    /// these settings).
    public let rowCache = ChangelogRowCache()

    public init(topic: String, kafka: KafkaConfig, handOverTimeout: Duration = .seconds(10), snapshotInterval: Duration = defaultSnapshotInterval) {
        self.snapshotInterval = snapshotInterval
        self.topic = topic
        self.kafka = kafka
        self.handOverTimeout = handOverTimeout
    }

    public static let defaultSnapshotInterval = Duration.seconds(3_600)

    /// How long the changelog topic keeps records when Eddy creates it: six snapshot intervals, so that
    /// every partition has complete snapshots in it even when its owners fail to write one or two.
    public var retention: Duration { snapshotInterval * 6 }

    /// `<group>-changelog`: one changelog per consumer group.
    public static func defaultTopic(group: String) -> String {
        "\(group)-changelog"
    }
}

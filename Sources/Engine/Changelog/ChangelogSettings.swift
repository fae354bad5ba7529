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

    public init(topic: String, kafka: KafkaConfig, handOverTimeout: Duration = .seconds(10)) {
        self.topic = topic
        self.kafka = kafka
        self.handOverTimeout = handOverTimeout
    }

    /// `<group>-changelog`: one changelog per consumer group.
    public static func defaultTopic(group: String) -> String {
        "\(group)-changelog"
    }
}

import Kafka

/// Where processed records go and how the outbox relay publishes them.
public struct OutputSettings: Sendable {
    /// The output topic.
    public var topic: String
    /// librdkafka properties for the producer; Eddy adds `enable.idempotence=true` and `acks=all`.
    public var kafka: KafkaConfig
    /// When the outbox holds more unsent output messages than this, the consumer pauses its partitions; it
    /// resumes when they are down to half.
    public var maxPending: Int
    /// The messages of the output rows just committed, for the relay of the same run (shared by the
    /// copies of these settings).
    public let cache = OutputRecordCache()

    public init(topic: String, kafka: KafkaConfig, maxPending: Int = 100_000) {
        self.topic = topic
        self.kafka = kafka
        self.maxPending = maxPending
    }
}

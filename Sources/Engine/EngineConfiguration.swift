import Kafka

/// How the consumer loop runs.
public struct EngineConfiguration: Sendable {
    /// librdkafka properties for the consumer; `bootstrap.servers` and `group.id` included.
    public var kafka: KafkaConfig
    /// Topics to consume.
    public var topics: [String]
    /// The most messages in one transaction.
    public var batchSize: Int
    /// The longest a batch waits to fill, in milliseconds.
    public var batchLatencyMilliseconds: Int
    /// How long to wait for a broker to answer at start, in milliseconds.
    public var connectTimeoutMilliseconds: Int32
    /// When transient failures are tried again.
    public var retryPolicy: RetryPolicy
    /// How often to look for flagged rows and due retries in `failed_messages`, in milliseconds.
    public var failedCheckIntervalMilliseconds: Int
    /// Retention of the engine's tables, and the pace of pruning.
    public var retention: RetentionSettings
    /// The output topic through the outbox; `nil` turns the outbox off.
    public var output: OutputSettings?
    /// How often lag, database size and (after as long without a commit) the broker are looked at.
    var observationInterval = Duration.seconds(5)

    public init(
        kafka: KafkaConfig,
        topics: [String],
        batchSize: Int = 10_000,
        batchLatencyMilliseconds: Int = 100,
        connectTimeoutMilliseconds: Int32 = 10_000,
        retryPolicy: RetryPolicy = RetryPolicy(),
        failedCheckIntervalMilliseconds: Int = 1_000,
        retention: RetentionSettings = RetentionSettings(),
        output: OutputSettings? = nil
    ) {
        self.kafka = kafka
        self.topics = topics
        self.batchSize = batchSize
        self.batchLatencyMilliseconds = batchLatencyMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.retryPolicy = retryPolicy
        self.failedCheckIntervalMilliseconds = failedCheckIntervalMilliseconds
        self.retention = retention
        self.output = output
    }
}

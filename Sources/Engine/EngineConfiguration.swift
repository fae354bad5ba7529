import Kafka

/// How the consumer loop runs.
public struct EngineConfiguration: Sendable {
    /// librdkafka properties from the user; `bootstrap.servers` and `group.id` included. The consumer
    /// runs with ``consumerKafka``: these with Eddy's settings on top.
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
    /// The changelog that moves each partition's state with it; `nil` when it is off (one instance).
    public var changelog: ChangelogSettings?
    /// How often lag, database size and (after as long without a commit) the broker are looked at.
    var observationInterval = Duration.seconds(5)

    public init(
        kafka: KafkaConfig,
        topics: [String],
        batchSize: Int = defaultBatchSize,
        batchLatencyMilliseconds: Int = defaultBatchLatencyMilliseconds,
        connectTimeoutMilliseconds: Int32 = 10_000,
        retryPolicy: RetryPolicy = RetryPolicy(),
        failedCheckIntervalMilliseconds: Int = defaultFailedCheckIntervalMilliseconds,
        retention: RetentionSettings = RetentionSettings(),
        output: OutputSettings? = nil,
        changelog: ChangelogSettings? = nil
    ) {
        self.changelog = changelog
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

    /// 5,000: the same throughput as 10,000 within the noise, half the commit latency (docs/performance.md).
    public static let defaultBatchSize = 5_000
    public static let defaultBatchLatencyMilliseconds = 100
    public static let defaultFailedCheckIntervalMilliseconds = 1_000

    /// The consumer's librdkafka properties: ``kafka`` with Eddy's settings on top. Offsets are
    /// committed only by the engine, after the SQLite transaction that stores them; a partition with no
    /// offset anywhere starts at the earliest message; the prefetched messages' memory is bounded
    /// unless the user set it.
    public var consumerKafka: KafkaConfig {
        var config = kafka
        config["enable.auto.commit"] = "false"
        config["enable.auto.offset.store"] = "false"
        config.setDefault("auto.offset.reset", "earliest")
        config.setDefault("enable.partition.eof", "false")
        for (name, value) in Self.consumerMemoryDefaults { config.setDefault(name, value) }
        // With the changelog, a partition that moves is restored on its new owner: the cooperative
        // protocol moves only the partitions that must move, where the eager one revokes them all.
        if changelog != nil { config.setDefault("partition.assignment.strategy", "cooperative-sticky") }
        return config
    }

    /// Bounds on prefetched messages, set unless given: librdkafka's own defaults (a 64 MB local queue,
    /// 50 MB fetches) would let the prefetch alone take most of the memory Eddy means to use. 4 MB,
    /// refilled as soon as it has room, is as fast as 16 MB for 30-40 MB less peak RSS; the queue is
    /// bounded by bytes only, since librdkafka's 100,000-message threshold stopped fetching long before
    /// 4 MB of user-login events were queued. A fetch response stays in memory until its last message
    /// is released, so fetches of 4 MB rather than 8 MB: 15 MB less peak RSS when the broker sends whole
    /// megabytes per partition, as fast (docs/performance.md).
    public static let consumerMemoryDefaults = [
        "queued.max.messages.kbytes": "4096",
        "queued.min.messages": "1000000",
        "fetch.max.bytes": "4194304",
    ]
}

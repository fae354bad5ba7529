import Kafka
import Logging
import Store

/// The consume → transaction → commit loop. It lives on its own thread: every call it makes
/// (librdkafka polls, SQLite transactions) blocks.
///
/// One pass: ``KafkaConsumer/poll(into:maxMessages:timeoutMilliseconds:)`` takes a batch of messages
/// (the only call that takes messages off the consumer queue); the session stages them into a batch
/// value and hands it to the commit thread, which writes it in ONE transaction with its failed rows
/// and the next offset of every partition it read, while this thread polls and stages the next one.
/// A change of assignment that came with the poll is carried out only after every message polled
/// before it is committed. Then housekeeping runs whatever is due.
struct ConsumerLoop<W: Workload>: Sendable {
    private let configuration: EngineConfiguration
    private let store: Store
    private let workload: W
    private let stats: EngineStats
    private let logger: Logger
    private let now: @Sendable () -> Int64

    init(configuration: EngineConfiguration, store: Store, workload: W, stats: EngineStats, logger: Logger, now: @escaping @Sendable () -> Int64) {
        self.configuration = configuration
        self.store = store
        self.workload = workload
        self.stats = stats
        self.logger = logger
        self.now = now
    }

    /// Consumes until `stop` is set, then commits everything in hand, closes the consumer and returns.
    /// - Throws: `KafkaError` (unreachable broker, fatal client error) or `EngineError` (a batch could
    ///   not be committed; nothing of it was kept).
    func run(until stop: StopFlag) throws {
        let inspector = try KafkaInspector(config: configuration.kafka, logger: logger)
        try connect(inspector)
        try BackgroundCheckpointer.run(store: store) { checkpointer in
            try BatchCommitter.run(
                workload: workload, changelog: configuration.changelog, output: configuration.output, store: store, retryPolicy: configuration.retryPolicy, stats: stats, logger: logger, now: now,
                afterCommit: checkpointer.request
            ) { committer in
                try KafkaConsumer.run(config: configuration.consumerKafka, logger: logger) { consumer in
                    let handOver = try configuration.changelog.map { settings in
                        try PartitionHandOver(
                            settings: settings, sources: configuration.topics, store: store, workload: workload, inspector: inspector,
                            stats: stats, logger: logger, now: now
                        )
                    }
                    let session = ConsumerSession(
                        consumer: consumer, committer: committer, workload: workload, handOver: handOver, store: store, stats: stats, logger: logger
                    )
                    let housekeeping = Housekeeping(
                        configuration: configuration, store: store, workload: workload, inspector: inspector, stats: stats, logger: logger, now: now
                    )
                    try consumer.subscribe(configuration.topics)
                    logger.info("consuming", metadata: ["topics": "\(configuration.topics)", "group": "\(configuration.kafka["group.id"] ?? "")"])
                    while !stop.isSet {
                        stats.recordLoop()
                        let rebalance = try consumer.poll(
                            into: session.messages, maxMessages: configuration.batchSize, timeoutMilliseconds: configuration.batchLatencyMilliseconds
                        )
                        try session.submitMessages()
                        if let rebalance { try session.complete(rebalance) }
                        try housekeeping.runDue(session)
                    }
                    try session.leave()
                    logger.info("stopping: last batch committed, closing the consumer")
                }
            }
        }
    }

    /// Waits for a broker to answer, and says which topics do not exist yet.
    private func connect(_ inspector: KafkaInspector) throws {
        logger.info(
            "connecting to Kafka",
            metadata: ["settings": "\(configuration.kafka.redacted.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"]
        )
        let known = try inspector.topicPartitionCounts(timeoutMilliseconds: configuration.connectTimeoutMilliseconds)
        stats.recordBroker(reachable: true)
        for topic in configuration.topics where known[topic] == nil {
            logger.warning("topic \(topic) does not exist yet; waiting for it to be created")
        }
    }
}

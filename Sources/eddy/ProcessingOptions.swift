import ArgumentParser
import Engine
import Kafka

/// The consumer group, the database, the batch shape and the retry policy of the processor.
struct ProcessingOptions: ParsableArguments {
    @Option(help: "Kafka consumer group; instances in one group share the partitions. [env: EDDY_GROUP]")
    var group: String = Env.string("EDDY_GROUP", default: "eddy")

    @Option(
        help: """
            The topic that carries each partition's state to its next owner when partitions move between instances \
            of the group: <group>-changelog when not given; off for a single instance without it. [env: EDDY_CHANGELOG_TOPIC]
            """
    )
    var changelogTopic: String = Env.string("EDDY_CHANGELOG_TOPIC", default: "")

    @Option(
        help: """
            How often each partition's owner writes a snapshot of its state to the changelog; the changelog topic Eddy \
            creates keeps six of these intervals. [env: EDDY_CHANGELOG_SNAPSHOT_INTERVAL]
            """
    )
    var changelogSnapshotInterval: TimeSpan = Env.timeSpan("EDDY_CHANGELOG_SNAPSHOT_INTERVAL", default: "1h")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The most messages in one transaction. [env: EDDY_BATCH_SIZE]")
    var batchSize: Int = Env.int("EDDY_BATCH_SIZE", default: EngineConfiguration.defaultBatchSize)

    @Option(help: "The longest a batch waits to fill (250ms, 1s, ...). [env: EDDY_BATCH_LATENCY]")
    var batchLatency: TimeSpan = Env.timeSpan("EDDY_BATCH_LATENCY", default: "\(EngineConfiguration.defaultBatchLatencyMilliseconds)ms")

    @Option(
        help: "Keep one login_events row per valid event; false keeps only counts, failed rows, the outbox and offsets. [env: EDDY_STORE_EVENTS]"
    )
    var storeEvents: Bool = Env.bool("EDDY_STORE_EVENTS", default: true)

    @Option(
        help: """
            Read the whole database once at start (PRAGMA quick_check) and refuse a damaged one before writing to it; \
            false skips it (it takes about as long as reading the file). [env: EDDY_CHECK_DATABASE]
            """
    )
    var checkDatabase: Bool = Env.bool("EDDY_CHECK_DATABASE", default: true)

    @Option(
        help: """
            The largest the database file may grow (500MB, 10GB, off). At the limit Eddy pauses as on a full disk, and \
            retention, which still runs, makes room. [env: EDDY_MAX_DATABASE_SIZE]
            """
    )
    var maxDatabaseSize: SizeLimit = Env.sizeLimit("EDDY_MAX_DATABASE_SIZE", default: "off")

    @Option(help: "Attempts for a transient failure, the first included, before its row is dead. [env: EDDY_MAX_ATTEMPTS]")
    var maxAttempts: Int = Env.int("EDDY_MAX_ATTEMPTS", default: 5)

    @Option(help: "The wait before the first retry; it doubles after each attempt, with ±20% jitter. [env: EDDY_RETRY_BACKOFF]")
    var retryBackoff: TimeSpan = Env.timeSpan("EDDY_RETRY_BACKOFF", default: "5s")

    @Option(help: "The longest wait between two retries. [env: EDDY_RETRY_MAX_BACKOFF]")
    var retryMaxBackoff: TimeSpan = Env.timeSpan("EDDY_RETRY_MAX_BACKOFF", default: "10m")

    @Option(
        help: "How often to look for failed_messages rows flagged with reprocess = 1 and for due retries. [env: EDDY_REPROCESS_INTERVAL]"
    )
    var reprocessInterval: TimeSpan = Env.timeSpan("EDDY_REPROCESS_INTERVAL", default: "\(EngineConfiguration.defaultFailedCheckIntervalMilliseconds)ms")

    func validate() throws {
        try Env.check()
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        guard !changelogTopic.contains(where: \.isWhitespace) else { throw ValidationError("--changelog-topic must be a topic name or off") }
        guard changelogSnapshotInterval.seconds >= 1 else {
            throw ValidationError("--changelog-snapshot-interval must be at least 1s; got \(changelogSnapshotInterval)")
        }
        guard (1...1_000_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 1000000; got \(batchSize)") }
        guard (1...60_000).contains(batchLatency.milliseconds) else {
            throw ValidationError("--batch-latency must be between 1ms and 60s; got \(batchLatency)")
        }
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be between 1 and 100; got \(maxAttempts)") }
        guard retryBackoff.seconds >= 1, retryMaxBackoff.milliseconds >= retryBackoff.milliseconds else {
            throw ValidationError("--retry-backoff must be at least 1s and at most --retry-max-backoff")
        }
        guard (10...3_600_000).contains(reprocessInterval.milliseconds) else {
            throw ValidationError("--reprocess-interval must be between 10ms and 1h; got \(reprocessInterval)")
        }
    }

    /// The engine's configuration for consuming `connection.topic`.
    func engineConfiguration(
        _ connection: ConnectionOptions,
        retention: RetentionSettings = RetentionSettings(),
        output: OutputSettings? = nil
    ) throws -> EngineConfiguration {
        var kafka = try connection.kafkaConfig()
        kafka["group.id"] = group
        return EngineConfiguration(
            kafka: kafka,
            topics: [connection.topic],
            batchSize: batchSize,
            batchLatencyMilliseconds: Int(batchLatency.milliseconds),
            retryPolicy: RetryPolicy(
                maxAttempts: maxAttempts,
                initialBackoffSeconds: retryBackoff.seconds,
                maxBackoffSeconds: retryMaxBackoff.seconds
            ),
            failedCheckIntervalMilliseconds: Int(reprocessInterval.milliseconds),
            retention: retention,
            output: output,
            changelog: changelogSettings(kafka)
        )
    }

    /// The changelog's topic and client settings, or `nil` when `--changelog-topic off`.
    func changelogSettings(_ kafka: KafkaConfig) -> ChangelogSettings? {
        let interval = Duration.milliseconds(changelogSnapshotInterval.milliseconds)
        return switch changelogTopic {
        case "off": nil
        case "": ChangelogSettings(topic: ChangelogSettings.defaultTopic(group: group), kafka: kafka, snapshotInterval: interval)
        default: ChangelogSettings(topic: changelogTopic, kafka: kafka, snapshotInterval: interval)
        }
    }
}

import ArgumentParser
import Engine
import Foundation
import Kafka
import Logging
import Logins
import ServiceLifecycle
import Store

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on this machine with no setup: broker, generator, processor.",
        discussion: """
            Starts a development broker (librdkafka's mock cluster) in this process, produces --events \
            synthetic user-login events (a share of them bad) while Eddy consumes them into --db and \
            publishes the processed events to processed-output, shows progress, then prints a summary and \
            sqlite3 queries to try.

            Example:
              eddy demo --events 500000 --db /tmp/demo.db
            """
    )

    @Option(help: "How many events to produce and process.")
    var events: Int = 300_000

    @Option(help: "Partitions of the demo topic.")
    var partitions: Int = 16

    @Option(help: "The SQLite database to write; an earlier demo database there is replaced.")
    var db: String = "eddy-demo.db"

    @Option(help: "Share of bad messages, from 0 to 1.")
    var badShare: Double = 0.05

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be at least 1") }
        guard (1...1024).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 1024") }
        guard (0...1).contains(badShare) else { throw ValidationError("--bad-share must be between 0 and 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level") }
    }

    func run() async throws {
        let logger = LoggingOptions.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .warning)
        try DemoDatabase.removeEarlierDemo(at: db)
        let topic = "user-login"
        let outputTopic = "processed-output"
        let cluster = try MockCluster(logger: logger)
        try cluster.createTopic(topic, partitions: partitions)
        try cluster.createTopic(outputTopic, partitions: partitions)
        let changelogTopic = ChangelogSettings.defaultTopic(group: "eddy-demo")
        try cluster.createTopic(changelogTopic, partitions: partitions)
        let store = try Store(path: db)
        try Migrations.apply(to: store, workload: LoginsMigrations.all)
        FileHandle.standardOutput.write(
            Data("eddy demo: broker at \(cluster.bootstrapServers), topic \(topic) (\(partitions) partitions), database \(db)\n".utf8)
        )

        var kafka = KafkaConfig(["bootstrap.servers": cluster.bootstrapServers])
        let tally = DeliveryTally()
        let producer = try KafkaProducer(config: kafka, logger: logger, onDelivery: tally.handler)
        // The demo lets the whole run wait in the outbox rather than pause consumption.
        let output = OutputSettings(topic: outputTopic, kafka: kafka, maxPending: max(events, 100_000))
        let changelog = ChangelogSettings(topic: changelogTopic, kafka: kafka)
        kafka["group.id"] = "eddy-demo"
        let stats = EngineStats()
        let workload = LoginsWorkload(settings: LoginsSettings(publishes: true, changelog: true))
        let consumer = ConsumerService(
            configuration: EngineConfiguration(kafka: kafka, topics: [topic], output: output, changelog: changelog),
            store: store,
            stats: stats,
            logger: logger,
            workload: workload
        )
        let relay = OutboxRelay(output: output, changelog: changelog, workload: workload, store: store, stats: stats, logger: logger)
        let generator = GeneratorRun(topic: topic, count: events, rate: 0, seed: seed, badShare: badShare)
        let driver = DemoDriver(generator: generator, producer: producer, stats: stats, store: store)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: relay),
                    .init(service: consumer),
                    .init(service: driver, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        try tally.check(produced: driver.result.produced)
        try DemoSummary(store: store, produced: driver.result.produced, seconds: driver.result.processingSeconds, outputTopic: outputTopic).print()
        try store.close()
        withExtendedLifetime(cluster) {}
    }
}

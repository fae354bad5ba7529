import ArgumentParser
import Declared
import Engine
import Foundation
import Logging
import Logins
import Ops
import ServiceLifecycle
import Store

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the service: consume, validate, apply each batch in one transaction, commit.",
        discussion: """
            Consumes --topic as member of --group and keeps the results in --db (created and migrated when \
            needed). Each partition resumes at the offset stored in the database. SIGTERM or SIGINT commits \
            the batch in hand, commits offsets to Kafka, closes the consumer (a static member, EDDY_KAFKA_GROUP_INSTANCE_ID, keeps \
            its partitions until session.timeout.ms), publishes what is left in the outbox and exits 0, all within --shutdown-timeout. \
            With --workload, the file's topics and output topic replace --topic and --output-topic (--output-topic "" still \
            turns the output off).

            Examples:
              eddy run --brokers kafka-1:9092 --group eddy --db /var/lib/eddy/eddy.db
              eddy run --config /etc/eddy/eddy.json
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var processing: ProcessingOptions
    @OptionGroup(title: "Retention") var retention: RetentionOptions
    @OptionGroup(title: "Output topic") var output: OutputOptions
    @OptionGroup(title: "Operations") var ops: OpsOptions
    @OptionGroup(title: "Workload") var workload: WorkloadOptions
    @Flag(help: "Flag every dead row of failed_messages for reprocessing at start. [env: EDDY_REPROCESS_FAILED]")
    var reprocessFailed: Bool = Env.bool("EDDY_REPROCESS_FAILED", default: false)

    @OptionGroup var logging: LoggingOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    func run() async throws {
        let logger = logging.bootstrap()
        if let definition = try workload.definition() { return try await runDeclared(definition, logger: logger) }
        let outputSettings = try output.settings(connection)
        let engine = try processing.engineConfiguration(connection, retention: retention.settings, output: outputSettings)
        let logins = retention.logins(
            storeEvents: processing.storeEvents, publishes: outputSettings != nil, changelog: engine.changelog != nil
        )
        if processing.checkDatabase { try Store.quickCheck(processing.database.db) }
        let store = try processing.database.openMigrated(maxBytes: processing.maxDatabaseSize.bytes)
        try await serve(LoginsWorkload(settings: logins), store: store, engine: engine, output: outputSettings, logger: logger)
    }

    /// Runs the workload of the file `--workload` names.
    private func runDeclared(_ definition: WorkloadDefinition, logger: Logger) async throws {
        // The built-in workload's own options: refused rather than ignored.
        guard processing.storeEvents else {
            throw CommandError("--store-events is the built-in workload's; with --workload, leave `events` out of \(workload.workload) instead")
        }
        for (option, value, builtInDefault) in [("--retain-events", retention.retainEvents, "7d"), ("--retain-counts", retention.retainCounts, "90d")]
        where value.span?.seconds != RetentionPeriod(argument: builtInDefault)?.span?.seconds {
            throw CommandError("\(option) is the built-in workload's; with --workload, each table's `retention` in \(workload.workload) says how long it keeps its rows")
        }
        var outputSettings = try output.settings(connection)
        if let declared = definition.output, let settings = outputSettings {
            outputSettings = OutputSettings(topic: declared.topic, kafka: settings.kafka, maxPending: settings.maxPending)
        } else {
            outputSettings = nil
        }
        var engine = try processing.engineConfiguration(connection, retention: retention.settings, output: outputSettings)
        engine.topics = definition.topics
        if processing.checkDatabase { try Store.quickCheck(processing.database.db) }
        let opened = try workload.openMigrated(processing.database.db, for: definition, maxBytes: processing.maxDatabaseSize.bytes)
        let store = opened.store
        logger.info("workload \(definition.name) from \(workload.workload): \(opened.tables.joined(separator: "; "))")
        let declared = DeclaredWorkload(definition, attributesPartitions: engine.changelog != nil, publishes: outputSettings != nil)
        try await serve(declared, store: store, engine: engine, output: outputSettings, logger: logger)
    }

    /// Runs `workload`'s consumer, its outbox relay when there is an output or a changelog, the ops
    /// endpoints and the shutdown watchdog, until SIGTERM or a failure.
    private func serve<W: Workload>(_ workload: W, store: Store, engine: EngineConfiguration, output outputSettings: OutputSettings?, logger: Logger) async throws {
        try MirrorFile.refuse(store)
        if reprocessFailed {
            let flagged = try store.write { db in try FailedMessages.flag(db, FailureFilter(status: .dead)) }
            logger.info("flagged \(flagged) dead rows of failed_messages for reprocessing")
        }
        let registry = MetricsBackend.bootstrapPrometheus()
        let stats = EngineStats()
        // A service group stops its services in reverse order: the watchdog starts the shutdown clock,
        // the consumer commits its last batch, then the relay publishes what it can of the outbox. A
        // service that fails shuts the others down gracefully too (cancelled, the HTTP server logs errors
        // of its own that read like the cause), and its error is the last line.
        let deadline = ops.shutdownDeadline()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if outputSettings != nil || engine.changelog != nil {
            services.append(
                .init(
                    service: OutboxRelay(
                        output: outputSettings, changelog: engine.changelog, workload: workload, store: store, stats: stats,
                        logger: logger, deadline: deadline
                    ),
                    failureTerminationBehavior: .gracefullyShutdownGroup
                )
            )
        }
        services.append(
            .init(
                service: ConsumerService(configuration: engine, store: store, stats: stats, logger: logger, workload: workload),
                failureTerminationBehavior: .gracefullyShutdownGroup
            )
        )
        if let address = ops.address {
            let health = EngineHealth(stats: stats, stallAfter: max(.seconds(60), .milliseconds(3 * processing.batchLatency.milliseconds)))
            services.insert(
                .init(
                    service: OpsServer(address: address, health: health, registry: registry, logger: logger),
                    failureTerminationBehavior: .gracefullyShutdownGroup
                ),
                at: 0
            )
        }
        services.append(.init(service: ShutdownWatchdog(deadline: deadline, logger: logger), successTerminationBehavior: .ignore))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        try store.close()
        logger.info("stopped")
    }
}

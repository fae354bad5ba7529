import ArgumentParser
import Engine
import Logins
import ServiceLifecycle
import Store

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the service: consume, validate, apply each batch in one transaction, commit.",
        discussion: """
            Consumes --topic as member of --group and keeps the results in --db (created and migrated when \
            needed). Each partition resumes at the offset stored in the database. SIGTERM or SIGINT commits \
            the batch in hand, commits offsets to Kafka, leaves the group and exits 0.

            Example:
              eddy run --brokers kafka-1:9092 --group eddy --db /var/lib/eddy/eddy.db
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var processing: ProcessingOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let engine = try processing.engineConfiguration(connection)
        let store = try Store(path: processing.db)
        try Migrations.apply(to: store)
        let service = ConsumerService(configuration: engine, store: store, logger: logger) { LoginsWorkload() }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        try store.close()
        logger.info("stopped")
    }
}

import ArgumentParser
import Engine
import Foundation
import Kafka
import ServiceLifecycle

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a development Kafka broker (librdkafka's mock cluster) until stopped.",
        discussion: """
            Prints its bootstrap address as the first line of standard output. The mock cluster speaks the \
            real Kafka protocol over localhost TCP but keeps only a few MB per partition, so produce while \
            consuming or use more partitions. Not for production.

            It reads commands on standard input, one per line, to bring faults on while clients run, and \
            answers each with a line on standard output:
              down                        the broker closes its connections and refuses new ones
              up                          it takes them again
              fail REQUEST COUNT [CODE]   the next COUNT requests of REQUEST (produce, fetch, offset-commit)
                                          fail with Kafka error CODE (default 6, NOT_LEADER_OR_FOLLOWER,
                                          which clients retry)

            Example:
              eddy broker --partitions 8 --topic user-login
            """
    )

    @Option(help: "Partitions of the topic to create.")
    var partitions: Int = 8

    @Option(help: "The topic to create. [env: EDDY_TOPIC]")
    var topic: String = Env.string("EDDY_TOPIC", default: "user-login")

    @Option(
        help: """
            The changelog topic to create beside it, with as many partitions (the mock broker cannot create topics on \
            request): <group>-changelog when not given; off for none. [env: EDDY_CHANGELOG_TOPIC]
            """
    )
    var changelogTopic: String = Env.string("EDDY_CHANGELOG_TOPIC", default: "")

    @Option(help: "The consumer group whose changelog to create. [env: EDDY_GROUP]")
    var group: String = Env.string("EDDY_GROUP", default: "eddy")

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (1...1024).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 1024") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let cluster = try MockCluster(logger: logger)
        try cluster.createTopic(topic, partitions: partitions)
        let changelog = changelogTopic.isEmpty ? ChangelogSettings.defaultTopic(group: group) : changelogTopic
        if changelog != "off" { try cluster.createTopic(changelog, partitions: partitions) }
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        BrokerControl(cluster: cluster).start()
        logger.info("development broker running", metadata: ["bootstrap": "\(cluster.bootstrapServers)", "topic": "\(topic)", "changelog": "\(changelog)"])
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: IdleService())], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        withExtendedLifetime(cluster) {}
    }
}

/// A service that does nothing until shutdown; keeps `eddy broker` alive.
private struct IdleService: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}

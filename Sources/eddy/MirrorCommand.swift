import ArgumentParser
import Engine
import Logins
import ServiceLifecycle

struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Keep one SQLite file with the whole cluster's state, from the changelog.",
        discussion: """
            Follows every partition of the changelog topic of --group and applies the state of each, by the same \
            rule a new owner restores it, to --db: the same tables as an instance's database, so the same queries \
            answer for all instances together. Read-only towards Kafka: it joins no group and claims nothing. \
            It also serves as a warm standby and a backup.

            Example:
              eddy mirror --brokers kafka-1:9092 --group eddy --db cluster.db
              sqlite3 cluster.db "SELECT device_type, SUM(logins) FROM login_counts GROUP BY 1"
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The consumer group whose changelog to follow. [env: EDDY_GROUP]")
    var group: String = Env.string("EDDY_GROUP", default: "eddy")

    @Option(help: "The changelog topic: <group>-changelog when not given. [env: EDDY_CHANGELOG_TOPIC]")
    var changelogTopic: String = Env.string("EDDY_CHANGELOG_TOPIC", default: "")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        guard changelogTopic != "off" else { throw ValidationError("eddy mirror follows the changelog; --changelog-topic cannot be off") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        var kafka = try connection.kafkaConfig()
        kafka["group.id"] = group
        let settings = ChangelogSettings(
            topic: changelogTopic.isEmpty ? ChangelogSettings.defaultTopic(group: group) : changelogTopic, kafka: kafka
        )
        let store = try database.openMigrated()
        let mirror = ChangelogMirror(
            settings: settings, store: store, tables: LoginsWorkload.partitionedTables, stats: EngineStats(), logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: mirror)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        try store.close()
    }
}

import ArgumentParser
import Declared
import Engine
import GRDB
import Kafka
import Logins
import Ops
import ServiceLifecycle
import Store

struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Keep one SQLite file with the whole cluster's state, from the changelog.",
        discussion: """
            Follows every partition of the changelog topic of --group and applies the state of each, by the same \
            rule a new owner restores it, to --db: the same tables as an instance's database, so the same queries \
            answer for all instances together. Read-only towards Kafka: it joins no group and claims nothing. \
            It also serves as a warm standby and a backup. /healthz, /readyz (ready once every partition \
            was read) and /metrics (eddy_restored_rows_total, eddy_restore_seconds) answer on --http.

            Example:
              eddy mirror --brokers kafka-1:9092 --group eddy --db cluster.db
              sqlite3 cluster.db "SELECT device_type, SUM(logins) FROM login_counts GROUP BY 1"
            """
    )

    @Option(help: "Kafka bootstrap servers, host:port[,host:port...]. [env: EDDY_BROKERS]")
    var brokers: String = Env.string("EDDY_BROKERS", default: "localhost:9092")

    @Option(help: "The consumer group whose changelog to follow. [env: EDDY_GROUP]")
    var group: String = Env.string("EDDY_GROUP", default: "eddy")

    @Option(help: "The changelog topic: <group>-changelog when not given. [env: EDDY_CHANGELOG_TOPIC]")
    var changelogTopic: String = Env.string("EDDY_CHANGELOG_TOPIC", default: "")

    @Option(
        help: """
            The SQLite file to keep the cluster's state in; created when missing. Never an instance's own database. \
            [env: EDDY_MIRROR_DB]
            """
    )
    var db: String = Env.string("EDDY_MIRROR_DB", default: "eddy-cluster.db")

    @Option(help: "Address of /healthz, /readyz and /metrics (host:port), or off. [env: EDDY_HTTP]")
    var http: String = Env.string("EDDY_HTTP", default: "127.0.0.1:8081")

    @OptionGroup(title: "Workload") var workload: WorkloadOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        try Env.check()
        guard !brokers.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--brokers must not be empty") }
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        guard http == "off" || HTTPAddress(http) != nil else {
            throw ValidationError("--http must be host:port (like 127.0.0.1:8081) or off; got '\(http)'")
        }
        guard changelogTopic != "off" else { throw ValidationError("eddy mirror follows the changelog; --changelog-topic cannot be off") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        var kafka = KafkaConfig(try KafkaEnvironment.properties())
        kafka["bootstrap.servers"] = brokers
        kafka["group.id"] = group
        let settings = ChangelogSettings(
            topic: changelogTopic.isEmpty ? ChangelogSettings.defaultTopic(group: group) : changelogTopic, kafka: kafka
        )
        let definition = try workload.definition()
        let store = try workload.openMigrated(db, for: definition).store
        try MirrorFile.claim(store)
        let registry = MetricsBackend.bootstrapPrometheus()
        let stats = EngineStats()
        let tables = definition.map { DeclaredWorkload($0).partitionedTables } ?? LoginsWorkload().partitionedTables
        let mirror = ChangelogMirror(settings: settings, store: store, tables: tables, stats: stats, logger: logger)
        // A failing service shuts the other down gracefully: cancelled, the HTTP server logs errors of
        // its own that read like the cause.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: mirror, failureTerminationBehavior: .gracefullyShutdownGroup)]
        if let address = HTTPAddress(http) {
            let server = OpsServer(address: address, health: MirrorHealth(stats: stats), registry: registry, logger: logger)
            services.insert(.init(service: server, failureTerminationBehavior: .gracefullyShutdownGroup), at: 0)
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try store.close()
    }
}

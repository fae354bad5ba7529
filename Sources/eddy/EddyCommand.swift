import ArgumentParser
import Foundation

@main
struct EddyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eddy",
        abstract: "Kafka stream processing into one SQLite file, exactly once per message.",
        discussion: """
            Eddy consumes a Kafka topic of user-login events, validates each one, and applies every batch in \
            ONE SQLite transaction that also stores each partition's next offset: a crash at any instant \
            neither loses nor double-counts a message. Messages that fail land in the failed_messages table \
            with their exact bytes. Query the results with the plain sqlite3 shell while Eddy runs.

            The options of `eddy run`, and the connection, database, retention, ops and logging options the \
            other commands share with it, also read an EDDY_* environment variable (shown as [env: ...] in \
            each option's help) and then the JSON file given by --config (key "batch-size" for --batch-size); \
            the others are command-line only. Any librdkafka property passes through as EDDY_KAFKA_<NAME> \
            (EDDY_KAFKA_SECURITY_PROTOCOL=SASL_SSL) or in the file's "kafka" object; an EDDY_KAFKA_<NAME>_FILE \
            variable or a "_file" key in "kafka" reads the value from a file, for secrets.

            Try it with no setup:
              eddy demo
            Or step by step:
              eddy broker --partitions 8 &      # prints e.g. 127.0.0.1:39091
              eddy produce --brokers 127.0.0.1:39091 --count 100000 --bad-share 0.05
              eddy run --brokers 127.0.0.1:39091 --db eddy.db
              sqlite3 eddy.db "SELECT device_type, SUM(logins) FROM login_counts GROUP BY 1"
            """,
        version: BuildInfo.description,
        subcommands: [
            RunCommand.self, DemoCommand.self, BrokerCommand.self, ProduceCommand.self, FailedCommand.self, StatusCommand.self,
            PruneCommand.self, MigrateCommand.self, MirrorCommand.self, AuditCommand.self, OffsetsCommand.self, BackupCommand.self, WorkloadCommand.self,
        ]
    )

    /// Loads the config file first, since it supplies option defaults, then parses and runs the command.
    static func main() async {
        MallocSettings.apply()
        do {
            let environment = ProcessInfo.processInfo.environment
            if let path = ConfigFileOptions.path(in: Array(CommandLine.arguments.dropFirst()), environment: environment) {
                Env.use(try await ConfigFile.load(path))
            }
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

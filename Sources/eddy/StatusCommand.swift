import ArgumentParser
import Foundation
import GRDB
import Kafka
import Logging
import Store

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show stored offsets, lag when the broker is reachable, and failed-row counts.",
        discussion: """
            Reads the database (safe while eddy runs). With --brokers (or EDDY_BROKERS) it also asks Kafka for \
            each partition's end offset and shows the lag.

            Example:
              eddy status --db /var/lib/eddy/eddy.db --brokers kafka-1:9092
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    @Option(help: "Kafka bootstrap servers, to show lag; empty skips it. [env: EDDY_BROKERS]")
    var brokers: String = Env.string("EDDY_BROKERS", default: "")

    func validate() throws {
        try Env.check()
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CommandError("there is no database at \(database.db); pass --db or run `eddy run` first")
        }
        let store = try database.openEngineTables()
        let (offsets, failures, flagged) = try store.read { db in
            (
                try ConsumerOffsets.load(db).sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) },
                try FailedMessages.counts(db),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM failed_messages WHERE reprocess = 1") ?? 0
            )
        }
        let ends = endOffsets(offsets)
        let sizes = store.fileSizes()
        print(
            "database  \(database.db)  schema \(try Migrations.currentVersion(of: store) ?? "none")  "
                + "size \(ByteSize.megabytes(sizes.database))  wal \(ByteSize.megabytes(sizes.wal))"
        )
        print("\npartitions")
        var partitions = TextTable(headers: ["TOPIC", "PARTITION", "NEXT OFFSET", "END OFFSET", "LAG", "UPDATED"], rightAligned: [1, 2, 3, 4])
        partitions.rows = offsets.map { offset in
            let end = ends.values[TopicPartition(topic: offset.topic, partition: offset.partition)]
            return [
                offset.topic, "\(offset.partition)", "\(offset.nextOffset)", end.map { "\($0)" } ?? "-",
                end.map { "\(max(0, $0 - offset.nextOffset))" } ?? "-", UTCTime.format(offset.updatedAt),
            ]
        }
        print(offsets.isEmpty ? "  none yet" : partitions.render())
        if let note = ends.note { print(note) }
        print("\nfailed_messages")
        var failed = TextTable(headers: ["STATUS", "CLASS", "ROWS"], rightAligned: [2])
        failed.rows = failures.map { [$0.status, $0.errorClass, "\($0.count)"] }
        print(failures.isEmpty ? "  none" : failed.render())
        if flagged > 0 { print("\(flagged) row(s) flagged for reprocessing") }
    }

    /// End offsets from Kafka when --brokers is given, or a note saying why there are none.
    private func endOffsets(_ offsets: [PartitionOffset]) -> (values: [TopicPartition: Int64], note: String?) {
        guard !brokers.isEmpty else { return ([:], "(pass --brokers to see the lag)") }
        do {
            var config = KafkaConfig(try KafkaEnvironment.properties())
            config["bootstrap.servers"] = brokers
            let inspector = try KafkaInspector(config: config, logger: Logger(label: "eddy", factory: { _ in SwiftLogNoOpLogHandler() }))
            let partitions = offsets.map { TopicPartition(topic: $0.topic, partition: $0.partition) }
            return (try inspector.endOffsets(partitions, timeoutMilliseconds: 5_000), nil)
        } catch {
            return ([:], "(no lag: \(error))")
        }
    }
}

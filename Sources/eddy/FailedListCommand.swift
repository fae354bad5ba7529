import ArgumentParser
import Store

struct FailedListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List failed_messages rows, newest attempt first.",
        discussion: """
            Example:
              eddy failed list --status dead --since 1h
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    @Option(help: "Only rows with this status: retrying, dead or resolved.")
    var status: FailureStatus?

    @Option(name: .customLong("class"), help: "Only rows of this error class (malformed, invalid, ...).")
    var errorClass: String?

    @Option(help: "Only rows attempted within this span (30m, 1h, 7d, ...).")
    var since: TimeSpan?

    @Option(help: "The most rows to show.")
    var limit: Int = 50

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try database.openEngineTables()
        let filter = FailureFilter(status: status, errorClass: errorClass, since: since.map { UTCTime.now - $0.seconds })
        let (rows, total) = try store.read { db in
            (try FailedMessages.list(db, filter, limit: limit), try FailedMessages.count(db, filter))
        }
        var table = TextTable(
            headers: ["ID", "TOPIC", "PARTITION", "OFFSET", "CLASS", "STATUS", "ATTEMPTS", "LAST ATTEMPT", "ERROR"],
            rightAligned: [0, 2, 3, 6]
        )
        table.rows = rows.map { row in
            [
                "\(row.id)", row.topic, "\(row.partition)", "\(row.offset)", row.errorClass,
                row.status.rawValue + (row.reprocess ? " (flagged)" : ""), "\(row.attempts)", UTCTime.format(row.lastAttemptAt),
                ByteRendering.escapingControls(String(row.error.prefix(80))),
            ]
        }
        print(table.render())
        print(rows.count < total ? "\(rows.count) of \(total) rows; narrow with --status, --class, --since or raise --limit" : "\(total) rows")
    }
}

extension FailureStatus: ExpressibleByArgument {}

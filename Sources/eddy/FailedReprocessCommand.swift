import ArgumentParser
import Store

struct FailedReprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprocess",
        abstract: "Flag failed_messages rows for reprocessing (sets reprocess = 1).",
        discussion: """
            A running `eddy run` picks flagged rows up within its --reprocess-interval; otherwise the next \
            `eddy run` does. The same works from the sqlite3 shell: \
            UPDATE failed_messages SET reprocess = 1 WHERE error_class = 'invalid';

            Examples:
              eddy failed reprocess --id 42 --id 43
              eddy failed reprocess --class invalid
              eddy failed reprocess --all
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    @Option(help: "A row to flag; repeat for more.")
    var id: [Int64] = []

    @Option(name: .customLong("class"), help: "Flag every unresolved row of this error class.")
    var errorClass: String?

    @Flag(help: "Flag every unresolved row.")
    var all = false

    func validate() throws {
        let chosen = [!id.isEmpty, errorClass != nil, all].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("say which rows: --id N, --class C or --all (one of them)") }
    }

    func run() throws {
        let store = try database.openEngineTables()
        let filter = FailureFilter(ids: id, errorClass: errorClass)
        let flagged = try store.write { db in try FailedMessages.flag(db, filter) }
        print(
            "flagged \(flagged) row(s) for reprocessing; a running eddy takes them within its --reprocess-interval, "
                + "otherwise the next `eddy run` does"
        )
    }
}

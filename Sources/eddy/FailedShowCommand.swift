import ArgumentParser
import Store

struct FailedShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one failed_messages row: the error, the key, the headers and the exact payload.",
        discussion: """
            The payload is shown as text when it is valid UTF-8 (control characters escaped), otherwise as a hex dump.

            Example:
              eddy failed show 42
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    @Argument(help: "The row's id (the first column of `eddy failed list`).")
    var id: Int64

    func run() throws {
        let store = try database.openEngineTables()
        guard let row = try store.read({ db in try FailedMessages.find(db, id: id) }) else {
            throw CommandError("failed_messages has no row with id \(id); `eddy failed list` shows the ids")
        }
        print(
            """
            id             \(row.id)
            source         \(row.topic) partition \(row.partition) offset \(row.offset)
            status         \(row.status.rawValue), \(row.attempts) attempt(s)\(row.reprocess ? ", flagged for reprocessing" : "")
            error          \(row.errorClass): \(ByteRendering.escapingControls(row.error))
            first failed   \(UTCTime.format(row.firstFailedAt))
            last attempt   \(UTCTime.format(row.lastAttemptAt))
            next attempt   \(UTCTime.format(row.nextAttemptAt))
            key            \(Self.inline(row.key))
            headers        \(Self.headers(row.decodedHeaders))
            """
        )
        guard let payload = row.payload else {
            print("payload        none (a tombstone: the message had a null value)")
            return
        }
        let rendered = ByteRendering.render(payload)
        print("payload        (\(rendered.label))\n\(rendered.text)")
    }

    private static func inline(_ bytes: [UInt8]?) -> String {
        guard let bytes else { return "none" }
        let rendered = ByteRendering.render(bytes)
        return rendered.text.contains("\n") || rendered.label.hasPrefix("binary") ? "(\(rendered.label))\n\(rendered.text)" : rendered.text
    }

    /// The headers as indented `name = value` lines.
    private static func headers(_ headers: [(name: String, value: [UInt8]?)]) -> String {
        guard !headers.isEmpty else { return "none" }
        return headers.map { "\n  \(ByteRendering.escapingControls($0.name)) = \($0.value.map { inline($0) } ?? "null")" }.joined()
    }
}

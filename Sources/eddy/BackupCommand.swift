import ArgumentParser
import Foundation
import Store

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live database to a file, consistently, while Eddy runs; or check such a copy.",
        discussion: """
            --to copies the database as it is when the copy starts, with SQLite's online backup API: `eddy run` \
            goes on writing meanwhile, and the copy holds whole transactions only (state and offsets together). \
            It is written next to FILE and renamed once whole, then checked as --check does. Do not copy a live \
            database with cp: its WAL file holds the latest transactions.

            --check FILE reads every page and index of a copy (PRAGMA integrity_check) and says where an \
            instance started on it would resume. Exits 1 when the file is damaged.

            To restore: stop the instance, put the copy in place of its --db file (and delete any \
            <db>-wal and <db>-shm next to it), start it. It resumes at the copy's stored offsets and consumes \
            again what came after, exactly once (docs/operations.md#backups).

            Examples:
              eddy backup --db /var/lib/eddy/eddy.db --to /backups/eddy-2026-12-01.db
              eddy backup --check /backups/eddy-2026-12-01.db
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Write a copy of the --db database to this new file.", valueName: "file")) var to: String?
    @Option(help: ArgumentHelp("Check this copy instead of making one.", valueName: "file")) var check: String?

    func validate() throws {
        guard (to == nil) != (check == nil) else { throw ValidationError("give either --to FILE (make a backup) or --check FILE (check one)") }
    }

    func run() throws {
        if let check {
            print(try Self.describe(check, DatabaseBackup.check(check)))
            return
        }
        guard let to else { return }
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CommandError("there is no database at \(database.db): --db names the file `eddy run` writes")
        }
        let started = ContinuousClock.now
        let store = try Store(path: database.db)
        defer { try? store.close() }
        var line = ProgressLine()
        try DatabaseBackup.copy(store, to: to) { step in
            let percent = step.totalPages == 0 ? 100 : step.copiedPages * 100 / step.totalPages
            line.update("copied \(percent)% (\(step.copiedPages) of \(step.totalPages) pages)")
        }
        line.finish()
        let summary = try DatabaseBackup.check(to)
        let seconds = String(format: "%.1f", Double((ContinuousClock.now - started) / .milliseconds(1)) / 1_000)
        print("backed up \(database.db) to \(to) in \(seconds) s. " + (try Self.describe(to, summary)))
    }

    private static func describe(_ path: String, _ summary: DatabaseBackup.Summary) throws -> String {
        guard let migration = summary.lastMigration else {
            throw CommandError("\(path) is intact but is not an Eddy database (it has no migrations)")
        }
        let size = ByteSize.megabytes(summary.bytes)
        return "\(path) is intact (integrity_check ok, \(size), schema at \(migration)); an instance started on it resumes "
            + "\(summary.partitions) partitions at their stored offsets"
    }
}

import ArgumentParser
import Declared
import Engine
import Foundation
import Kafka
import Logins
import Store

struct OffsetsResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Make a partition resume at an offset, dropping its rows; recorded in offset_resets.",
        discussion: """
            Run it while `eddy run` is stopped. The partition's rows (login_events, login_counts, \
            failed_messages; with --workload, the file's tables) are dropped in the same transaction, and its stored events are taken out of the \
            counts kept for all partitions together: they came from the old log, whose offsets the new one \
            reuses, and would be counted twice or collide. Unsent output made from them still \
            goes out. With the changelog on, the partition starts over in the changelog topic too (a new line \
            whose snapshot is empty at the offset reset to), sent when eddy runs next, so that its next owner \
            restores that and not the old log's state.

            Example:
              eddy offsets reset --db eddy.db --topic user-login --partition 3 --to 0
            """
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup(title: "Workload") var workload: WorkloadOptions

    @Option(help: "The source topic. [env: EDDY_TOPIC]")
    var topic: String = Env.string("EDDY_TOPIC", default: "user-login")

    @Option(help: "The partition to reset.")
    var partition: Int32

    @Option(help: "The offset to resume at: the first the broker holds now (its log start), to read the new log whole.")
    var to: Int64

    func validate() throws {
        guard partition >= 0 else { throw ValidationError("--partition must be 0 or more") }
        guard to >= 0 else { throw ValidationError("--to must be 0 or more: an offset of the partition's log") }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CommandError("there is no database at \(database.db): --db names the file `eddy run` writes")
        }
        let definition = try workload.definition()
        let store = try workload.openMigrated(database.db, for: definition).store
        defer { try? store.close() }
        let target = TopicPartition(topic: topic, partition: partition)
        if let definition {
            try reset(target, of: DeclaredWorkload(definition), in: store)
        } else {
            try reset(target, of: LoginsWorkload(), in: store)
        }
    }

    private func reset<W: Workload>(_ target: TopicPartition, of workload: W, in store: Store) throws {
        let outcome = try OffsetReset(store: store, workload: workload).reset(target, to: to, now: UTCTime.now)
        let before = outcome.previous.map { "from \($0) " } ?? "(no offset was stored) "
        print("\(target) resumes \(before)at \(to) now; \(outcome.rowsDropped) rows of it dropped; recorded in offset_resets")
        if let left = outcome.left { print("note: \(left)") }
    }
}

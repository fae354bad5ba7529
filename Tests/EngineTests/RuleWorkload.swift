import Engine
import Foundation
import GRDB
import Store
import Synchronization

/// A workload whose rule the test changes: payloads starting with `ok` succeed; `later` fails
/// transiently until `dependencyUp`; anything else fails permanently until `acceptEverything`.
/// Applied messages land in `applied(topic, partition, offset, payload)`.
struct RuleWorkload: Workload {
    /// Switches shared with the test, readable from the consumer thread.
    final class Rules: Sendable {
        let acceptEverything = Atomic<Bool>(false)
        let dependencyUp = Atomic<Bool>(false)
        let failApply = Atomic<Bool>(false)
        /// While set, `apply` waits: a transaction that takes as long as the test wants.
        let holdApply = Atomic<Bool>(false)
        /// Milliseconds each `apply` takes at least: a batch that is still committing when the next comes.
        let applyMilliseconds = Atomic<Int>(0)
        let stagedOffsets = Mutex<[Int64]>([])
        /// Every message staged, as (partition, offset), in order.
        let staged = Mutex<[Pair]>([])

        struct Pair: Hashable, Sendable {
            var partition: Int32
            var offset: Int64
        }
    }

    static let migrations = [
        Migration(name: "0100_applied", sql: "CREATE TABLE applied (topic TEXT, partition INTEGER, offset INTEGER, payload BLOB, PRIMARY KEY (topic, partition, offset))")
    ]

    static let partitionedTables = [
        PartitionedTable(name: "applied", columns: ["topic", "partition", "offset", "payload"], key: ["topic", "partition", "offset"])
    ]

    var migrations: [Migration] { Self.migrations }
    var partitionedTables: [PartitionedTable] { Self.partitionedTables }

    /// The messages of a batch that succeed: (topic, partition, offset, payload).
    struct Batch: Sendable {
        var staged: [(String, Int32, Int64, [UInt8])] = []
    }

    let rules: Rules

    func makeBatch(capacity: Int) -> Batch { Batch() }

    func stage(_ message: IncomingMessage, into batch: inout Batch) -> WorkloadFailure? {
        let bytes = message.value.map { Array($0) } ?? []
        rules.stagedOffsets.withLock { $0.append(message.offset) }
        rules.staged.withLock { $0.append(Rules.Pair(partition: message.partition, offset: message.offset)) }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("ok") || rules.acceptEverything.load(ordering: .relaxed) {
            batch.staged.append((message.topic, message.partition, message.offset, bytes))
            return nil
        }
        if text.hasPrefix("later") {
            if rules.dependencyUp.load(ordering: .relaxed) {
                batch.staged.append((message.topic, message.partition, message.offset, bytes))
                return nil
            }
            return WorkloadFailure(errorClass: "unavailable", reason: "the dependency is down", isTransient: true)
        }
        return WorkloadFailure(errorClass: "invalid", reason: "payload does not start with ok")
    }

    func apply(_ batch: Batch, to db: Database, now: Int64, changes: PartitionChanges?) throws {
        while rules.holdApply.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: Double(rules.applyMilliseconds.load(ordering: .relaxed)) / 1_000)
        if rules.failApply.load(ordering: .relaxed) { throw DatabaseError(resultCode: .SQLITE_IOERR, message: "simulated I/O error") }
        for (topic, partition, offset, payload) in batch.staged {
            try db.execute(sql: "INSERT INTO applied VALUES (?, ?, ?, ?)", arguments: [topic, partition, offset, Data(payload)])
            changes?.record(topic: topic, partition: partition) { set in
                set.upsert(Self.partitionedTables[0])
                set.append(topic)
                set.append(Int64(partition))
                set.append(offset)
                payload.withUnsafeBytes { set.append(blob: $0) }
            }
        }
    }
}

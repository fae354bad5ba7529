import GRDB
import Kafka
import Logging
import Store

/// Applies changelog records of one source partition to its rows, reading them from the changelog:
/// the part of a restore that both a new owner and `eddy mirror` run.
struct PlanApplier {
    let reader: KafkaPartitionReader
    let stats: EngineStats
    let logger: Logger
    /// How often a long restore says how far it got.
    var progressInterval = Duration.seconds(5)

    /// Applies the records at `offsets` (ascending) of changelog partition `log` to `rows`, inside the
    /// caller's transaction `db`.
    /// - Returns: how many rows were written.
    /// - Throws: ``ChangelogError`` when the offsets are out of order or a record cannot be read;
    ///   `KafkaError`; what SQLite throws.
    func apply(_ offsets: [Int64], from log: TopicPartition, to rows: PartitionRows, _ db: Database) throws -> Int {
        guard let first = offsets.first, let last = offsets.last else { return 0 }
        guard zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ChangelogError("the changelog of \(rows.topic)[\(rows.partition)] holds its records out of order; it cannot be restored")
        }
        let wanted = Set(offsets)
        var written = 0
        var lastReport = ContinuousClock.now
        try reader.read(log, from: first, to: last + 1) { offset, value in
            guard wanted.contains(offset), let value else { return }
            let record = try ChangelogRecord(decoding: Array(value))
            let before = db.totalChangesCount
            try rows.apply(record.payload, to: db)
            let count = db.totalChangesCount - before
            written += count
            stats.recordRestoredRows(count)
            if ContinuousClock.now - lastReport >= progressInterval {
                lastReport = .now
                logger.info("restoring \(rows.topic)[\(rows.partition)]", metadata: ["rows": "\(written)", "offset": "\(offset)", "of": "\(last)"])
            }
        }
        return written
    }
}

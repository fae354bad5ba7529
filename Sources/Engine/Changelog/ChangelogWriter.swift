import Foundation
import GRDB
import Kafka
import Store

/// Writes changelog records into the outbox, inside the transaction whose changes they carry: the
/// relay sends them to the changelog partition of their source partition, in order, reading and
/// appending the rows a change set names by offset range (``RowRange``).
struct ChangelogWriter: Sendable {
    /// Appends one change set per partition that `changes` touched or `nextOffsets` moved, numbered on
    /// in the partition's line, with the offset the partition resumes at.
    /// - Returns: the outbox id of each record that names rows by range, with those rows as staging
    ///   encoded them (for ``ChangelogRowCache``, once the transaction commits).
    /// - Throws: ``ChangelogError`` for a partition this database never claimed; what SQLite throws.
    func append(_ db: Database, _ changes: PartitionChanges, nextOffsets: [TopicPartition: Int64], now: Int64) throws -> [ChangelogRowCache.Entry] {
        var named: [ChangelogRowCache.Entry] = []
        for partition in changes.partitions.union(nextOffsets.keys) {
            guard let line = try ChangelogLines.advance(db, topic: partition.topic, partition: partition.partition) else {
                throw ChangelogError("\(partition) was written without being claimed in the changelog")
            }
            let next = try nextOffsets[partition] ?? storedOffset(db, partition)
            let sets = changes.sets(of: partition)
            named += try appendChunks(
                db, partition, line: line.line, epoch: line.epoch, now: now, nextOffset: next, sets: sets.isEmpty ? [ChangeSet()] : sets
            ) { .changes(.init(seq: line.seq, index: $0, isLast: $1, nextSourceOffset: next)) }
        }
        return named
    }

    /// Appends a claim of `line.line` for its partition.
    func appendClaim(_ db: Database, _ line: ChangelogLine, base: ChangelogRecord.Base, now: Int64) throws {
        let record = ChangelogRecord(sourceTopic: line.topic, line: line.line, epoch: line.epoch, time: now, body: .claim(base))
        try Outbox.appendChangelog(db, sourceTopic: line.topic, sourcePartition: line.partition, nextOffset: -1, value: record.encoded, now: now)
    }

    /// Starts the partition over in the changelog after `previous`, the line this database holds: a new
    /// line, its child at one epoch more, whose snapshot is the partition's rows and stored offset as they
    /// are now (`eddy offsets reset`: none, at the offset reset to). Whoever restores the partition later
    /// takes that state; this database's next take-over finds its line the latest.
    /// - Returns: the new line, saved.
    func startOver(_ db: Database, after previous: ChangelogLine, rows: PartitionRows, now: Int64) throws -> ChangelogLine {
        let line = ChangelogLine(
            topic: previous.topic, partition: previous.partition, line: Int64.random(in: 1...Int64.max), epoch: previous.epoch + 1, seq: 0,
            parent: (previous.line, previous.seq), claimedAt: now, snapshotAt: now
        )
        try ChangelogLines.save(db, line)
        try appendClaim(db, line, base: .parent(line: previous.line, seq: previous.seq), now: now)
        try appendSnapshot(db, line, rows: rows, now: now)
        return line
    }

    /// Appends a snapshot of every row of the partition as of change set `line.seq` of its line.
    func appendSnapshot(_ db: Database, _ line: ChangelogLine, rows: PartitionRows, now: Int64) throws {
        let partition = TopicPartition(topic: line.topic, partition: line.partition)
        let next = try storedOffset(db, partition)
        var sets: [ChangeSet] = []
        var current = ChangeSet()
        try rows.snapshot(db, into: &current, flushBytes: PartitionChanges.chunkBytes) { full in
            sets.append(full)
            full = ChangeSet()
        }
        sets.append(current)
        _ = try appendChunks(db, partition, line: line.line, epoch: line.epoch, now: now, nextOffset: next, sets: sets) {
            .snapshot(.init(seq: line.seq, index: $0, isLast: $1, nextSourceOffset: next))
        }
    }

    private func appendChunks(
        _ db: Database, _ partition: TopicPartition, line: Int64, epoch: Int64, now: Int64, nextOffset: Int64?, sets: [ChangeSet],
        body: (Int, Bool) -> ChangelogRecord.Body
    ) throws -> [ChangelogRowCache.Entry] {
        var named: [ChangelogRowCache.Entry] = []
        for (index, set) in sets.enumerated() {
            let record = ChangelogRecord(
                sourceTopic: partition.topic, line: line, epoch: epoch, time: now, body: body(index, index == sets.count - 1), payload: set.bytes
            )
            try Outbox.appendChangelog(
                db, sourceTopic: partition.topic, sourcePartition: partition.partition, nextOffset: nextOffset ?? -1, value: record.encoded,
                rowRanges: set.ranges, now: now
            )
            if !set.rangeRows.isEmpty { named.append((db.lastInsertedRowID, set.rangeRows)) }
        }
        return named
    }

    private func storedOffset(_ db: Database, _ partition: TopicPartition) throws -> Int64? {
        try ConsumerOffsets.nextOffset(db, topic: partition.topic, partition: partition.partition)
    }
}

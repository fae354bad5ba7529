import Foundation
import Kafka
import Logging
import Store

/// One run of the consumer loop: its consumer and committer, the messages in hand, and what the loop
/// knows of its assignment. Used on the consumer thread only.
final class ConsumerSession<W: Workload> {
    let consumer: KafkaConsumer
    let committer: BatchCommitter<W>
    /// The messages polled and not yet staged.
    let messages = KafkaMessageBatch()
    /// The partitions assigned, and where each resumes (its next offset in SQLite).
    private(set) var assigned: Set<TopicPartition> = []
    private(set) var resumeAt: [TopicPartition: Int64] = [:]
    /// Partitions given to this member whose stored offset lies past the end of the broker's log: not
    /// consumed, until `eddy offsets reset` and a restart.
    private(set) var refused: Set<TopicPartition> = []
    /// The next offset of each assigned partition after the batches staged so far, where one is known.
    private var expected: [TopicPartition: Int64] = [:]
    /// Offsets committed to SQLite and not yet to Kafka, and when Kafka is next told.
    private var unhinted: [TopicPartition: Int64] = [:]
    private var hints = IntervalTimer(every: .seconds(5))
    /// Partitions revoked whose rows are still here, and since when: the assignment that follows may
    /// give them back (a rebalance often does), and then they need no restore.
    private var released: [TopicPartition: ContinuousClock.Instant] = [:]
    private let workload: W
    /// Moves partitions' state through the changelog; `nil` when it is off.
    private let handOver: PartitionHandOver?
    private let store: Store
    private let stats: EngineStats
    private let logger: Logger

    init(
        consumer: KafkaConsumer, committer: BatchCommitter<W>, workload: W, handOver: PartitionHandOver?, store: Store, stats: EngineStats,
        logger: Logger
    ) {
        self.consumer = consumer
        self.handOver = handOver
        self.committer = committer
        self.workload = workload
        self.store = store
        self.stats = stats
        self.logger = logger
    }

    /// Stages the messages in hand into a batch and hands it to the committer, which commits it with
    /// its offsets in one transaction while the next batch is polled and staged; then tells Kafka
    /// about the batches committed meanwhile.
    /// - Throws: `EngineError` when an earlier batch could not be committed.
    func submitMessages() throws {
        if !messages.isEmpty {
            var batch = StagedBatch(messages, by: workload)
            messages.removeAll()
            try checkNotRewound(batch)
            batch.gaps = gaps(before: batch)
            expected.merge(batch.nextOffsets) { max($0, $1) }
            try committer.submit(batch)
        }
        hint(try committer.takeCommitted())
    }

    /// The offsets the broker deleted before this instance read them: where a partition's offsets skip
    /// ahead (between the batch before and this one, or inside this one) and the log now starts past the
    /// skip's first offset too (retention ran ahead, or the topic was recreated). A hole inside the log (a
    /// transaction marker, a compacted record) is not one.
    private func gaps(before batch: StagedBatch<W>) -> [OffsetGap] {
        let fromBefore = batch.firstOffsets.compactMap { partition, first in expected[partition].map { (partition: partition, from: $0, to: first) } }
        return (fromBefore + batch.skips).compactMap { partition, from, to -> OffsetGap? in
            guard to > from, let start = consumer.cachedStartOffset(partition), start > from else { return nil }
            let gap = OffsetGap(topic: partition.topic, partition: partition.partition, from: from, to: min(start, to))
            logger.warning("\(gap.warning)")
            return gap
        }
    }

    /// A partition whose batch starts before the offset expected went back: the broker found the stored
    /// offset out of range (the topic was recreated while Eddy ran, or the broker lost data), and
    /// librdkafka started again at the log's start, whose offsets the state already holds.
    private func checkNotRewound(_ batch: StagedBatch<W>) throws {
        for (partition, first) in batch.firstOffsets {
            guard let next = expected[partition], first < next else { continue }
            throw EngineError(
                "\(partition) went back from offset \(next) to \(first): the topic was deleted and recreated, or the broker lost data. Nothing of "
                    + "this batch was kept. Start eddy again: it refuses the partition and names the command that resets it"
            )
        }
    }

    /// Submits the messages in hand and waits until every batch is committed.
    /// - Throws: `EngineError` when one of them could not be committed.
    func commitAll() throws {
        try submitMessages()
        hint(try committer.finish())
    }

    /// Carries out a change of assignment once every message polled before it is committed: the
    /// partitions that come start at their stored offsets (with the changelog on, once their state is
    /// its latest in the changelog, restored when it is not, and claimed); those that go have their
    /// stored offsets committed to Kafka first, for the next owner (with the changelog on, their records
    /// sent; their rows are dropped at the next assignment unless it gives them back).
    /// - Throws: `EngineError` when a batch could not be committed (the partitions stay as they are),
    ///   `StoreError` when the offsets cannot be read, `KafkaError` when the assignment fails,
    ///   `ChangelogError` when a partition's state cannot be restored.
    func complete(_ rebalance: KafkaRebalance) throws {
        try commitAll()
        switch rebalance.kind {
        case .assign:
            try handOver?.takeOver(rebalance.partitions)
            var stored = try storedOffsets(for: rebalance.partitions)
            if handOver == nil { warnIfProcessedElsewhere(stored) }
            let check = StoredOffsetCheck(consumer: consumer, databasePath: store.path, logger: logger).run(stored)
            try record(check.gaps)
            // A gap's partition starts where its log does now.
            for gap in check.gaps { stored[TopicPartition(topic: gap.topic, partition: gap.partition)] = gap.to }
            try consumer.complete(rebalance, startingAt: stored, withholding: check.refused)
            for partition in check.refused { stored[partition] = nil }
            refused.formUnion(check.refused)
            resumeAt.merge(stored) { $1 }
            expected.merge(stored) { $1 }
            assigned.formUnion(rebalance.partitions.filter { !check.refused.contains($0) })
            try dropUnassigned()
        case .revoke:
            let consumed = rebalance.partitions.filter { !refused.contains($0) }
            handOver(try storedOffsets(for: consumed))
            try handOver?.flush(consumed)
            try consumer.complete(rebalance)
            assigned.subtract(rebalance.partitions)
            refused.subtract(rebalance.partitions)
            for partition in rebalance.partitions {
                resumeAt[partition] = nil
                expected[partition] = nil
                unhinted[partition] = nil
                stats.metrics.forgetLag(topic: partition.topic, partition: partition.partition)
                if handOver != nil { released[partition] = .now }
            }
        }
        stats.setAssigned(assigned.count)
        stats.setRefused(refused)
    }

    /// Records gaps found at assignment, and moves their partitions' stored offsets past them, in one
    /// transaction of its own: no batch may come for a while, and a restart meanwhile finds them done.
    private func record(_ gaps: [OffsetGap]) throws {
        guard !gaps.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970)
        try store.write { db in
            for gap in gaps { try OffsetGaps.insert(db, gap, now: now) }
            try ConsumerOffsets.save(db, gaps.map { PartitionOffset(topic: $0.topic, partition: $0.partition, nextOffset: $0.to) }, now: now)
        }
        stats.recordGaps(gaps)
    }

    /// Drops the rows of the partitions revoked at least `age` ago and not assigned again: no
    /// assignment followed their revoke.
    func dropReleased(olderThan age: Duration) throws {
        guard let handOver, !released.isEmpty else { return }
        let now = ContinuousClock.now
        let due = released.filter { now - $0.value >= age }.keys
        guard !due.isEmpty else { return }
        try handOver.drop(Array(due))
        for partition in due { released[partition] = nil }
    }

    /// Writes the changelog snapshots that are due for the assigned partitions.
    func snapshotDue() throws {
        try handOver?.snapshotDue(assigned)
    }

    /// Once an assignment is complete, this database holds the assigned partitions only: those revoked
    /// and not given back, and those it held before a restart that went to other instances, leave it.
    private func dropUnassigned() throws {
        guard let handOver else { return }
        released.removeAll()
        let others = try handOver.claimedPartitions().subtracting(assigned).subtracting(refused)
        try handOver.drop(Array(others))
    }

    /// Commits everything in hand and hands every partition over; with the changelog on, once their
    /// records reached the broker, so that their next owners restore all of it. Their rows stay: a
    /// restart that gets them back resumes without a restore.
    func leave() throws {
        try commitAll()
        handOver(try storedOffsets(for: Array(assigned)))
        try handOver?.flush(Array(assigned))
    }

    /// Commits to Kafka, as a hint for lag tools and the next owner, the offsets committed to SQLite;
    /// every five seconds at most, since each commit a rebalance overtakes makes the broker refuse it,
    /// and librdkafka then drops the whole assignment (the partitions are lost and taken over again).
    private func hint(_ offsets: [TopicPartition: Int64]) {
        resumeAt.merge(offsets) { $1 }
        unhinted.merge(offsets) { $1 }
        guard !unhinted.isEmpty, hints.isDue() else { return }
        do {
            try consumer.commit(unhinted, synchronously: false)
        } catch {
            logger.debug("offset hint not committed to Kafka: \(error)")
        }
        unhinted.removeAll(keepingCapacity: true)
    }

    /// Commits the stored offsets of partitions about to go to Kafka, where their next owner starts.
    private func handOver(_ offsets: [TopicPartition: Int64]) {
        logger.info(
            "handing over partitions at their stored offsets",
            metadata: ["offsets": "\(offsets.map { "\($0.key)@\($0.value)" }.sorted().joined(separator: " "))"]
        )
        do {
            try consumer.commit(offsets, synchronously: true)
        } catch {
            logger.warning("the next owner of these partitions may start behind their stored offsets: \(error)")
        }
    }

    /// A stored offset behind the group's committed offset means another instance processed those
    /// messages into its own database while this one did not own the partition: say so.
    private func warnIfProcessedElsewhere(_ stored: [TopicPartition: Int64]) {
        guard !stored.isEmpty else { return }
        guard let committed = try? consumer.committedOffsets(Array(stored.keys), timeoutMilliseconds: 5_000) else { return }
        for (partition, offset) in stored {
            guard let groupOffset = committed[partition], groupOffset > offset else { continue }
            let message =
                "partition \(partition) resumes at its stored offset \(offset), behind the group's committed offset \(groupOffset): "
                + "\(groupOffset - offset) messages were processed by another instance and will be counted in both databases"
            logger.warning("\(message)")
        }
    }

    private func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        let wanted = Set(partitions)
        let stored = try store.read { try ConsumerOffsets.load($0) }
        return stored.reduce(into: [:]) { result, offset in
            let partition = TopicPartition(topic: offset.topic, partition: offset.partition)
            if wanted.contains(partition) { result[partition] = offset.nextOffset }
        }
    }
}

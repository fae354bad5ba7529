import Foundation
import GRDB
import Kafka
import Logging
import Primitives
import ServiceLifecycle
import Store

/// Publishes outbox rows in id order with an idempotent producer, to the output topic or to the
/// changelog partition of their source partition, and moves each channel's watermark past the rows
/// the broker acknowledged without a gap. A row is passed only after the delivery report of every
/// message it stands for, so a crash between delivery and the watermark can only publish it again:
/// at-least-once, with the source topic/partition/offset headers as the dedupe key on the output topic;
/// the changelog's restore rule counts a record sent twice once.
public final class OutboxRelay: Service, Sendable {
    private let output: OutputSettings?
    private let changelog: ChangelogSettings?
    /// The workload's partitioned tables: changelog records name some of their rows by offset range,
    /// read from these when the record is sent.
    private let tables: [PartitionedTable]
    /// The workload's output messages made from the rows an output row names by range, when they are no
    /// longer in memory.
    private let namedOutput: NamedOutputReader
    private let store: Store
    private let stats: EngineStats
    private let logger: Logger
    private let now: @Sendable () -> Int64
    /// How long a graceful shutdown may keep publishing the rows left in the outbox.
    private let deadline: ShutdownDeadline
    /// Messages handed to librdkafka and not yet acknowledged, at most (an output row's messages are
    /// produced together, up to ``StagedOutput`` runs of 1,000); below its queue's capacity, so producing
    /// never blocks.
    private let maxInFlight = 5_000
    /// Bytes of changelog records handed to librdkafka and not yet acknowledged, past which the relay
    /// reads no more (measured: 4 MB took ~10 MB off the peak RSS of a changelog-on run).
    private static let maxChangelogBytesInFlight = 4 << 20
    /// How many bytes of values one read of the outbox brings into memory at most: changelog records
    /// are up to 256 KB each, and a thousand of them at once held tens of megabytes.
    private static let readBytes = 2 << 20
    /// The watermarks move in one writer transaction per this many acknowledgements, or per
    /// ``settleInterval``, whichever comes first: the relay shares the single writer with the consumer.
    private let settleBatch = 5_000
    private let settleInterval = Duration.milliseconds(200)

    /// - Parameters:
    ///   - output: the output topic, or `nil` when it is off.
    ///   - changelog: the changelog, or `nil` when it is off. One of them must be on.
    ///   - workload: the workload whose outbox it publishes: its partitioned tables, and its output
    ///     messages read back.
    public init<W: Workload>(
        output: OutputSettings?,
        changelog: ChangelogSettings? = nil,
        workload: W,
        store: Store,
        stats: EngineStats,
        logger: Logger,
        deadline: ShutdownDeadline = ShutdownDeadline(),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        precondition(output != nil || changelog != nil, "the relay needs a topic to publish to")
        self.output = output
        self.changelog = changelog
        self.tables = workload.partitionedTables
        namedOutput = NamedOutputReader(workload)
        self.store = store
        self.stats = stats
        self.logger = logger
        self.deadline = deadline
        self.now = now
    }

    public func run() async throws {
        try await BlockingThread.runUntilShutdown(named: "eddy-outbox") { [self] stop in try relay(until: stop) }
    }

    /// Starts the shutdown clock if it has not started, and returns what is left of it.
    private func stopping() -> Duration {
        deadline.begin()
        return deadline.remaining
    }

    private func relay(until stop: StopFlag) throws {
        let acknowledgements = RelayAcknowledgements()
        var kafka = output?.kafka ?? changelog!.kafka
        kafka["group.id"] = nil
        kafka["enable.idempotence"] = "true"
        kafka["acks"] = "all"
        // Changelog records carry failed messages with their bytes, larger than librdkafka's 1 MB default.
        if changelog != nil, kafka["message.max.bytes"] == nil { kafka["message.max.bytes"] = "\(ChangelogTopic.maxRecordBytes)" }
        let producer = try KafkaProducer(config: kafka, logger: logger, onDelivery: acknowledgements.report)
        var cursor: Int64 = 0
        var lastFailureLog: ContinuousClock.Instant?
        var lastSettle = ContinuousClock.now

        /// Moves the watermarks past the records acknowledged without a gap; records that failed, and
        /// every one after them, are read again from the database. Unless `force`, waits until enough
        /// acknowledgements or time accumulated.
        func settle(force: Bool) throws {
            guard force || ContinuousClock.now - lastSettle >= settleInterval || acknowledgements.pendingCount >= settleBatch else { return }
            let settled = acknowledgements.take()
            lastSettle = .now
            guard !settled.isEmpty else { return }
            if let failed = settled.filter({ $0.error != nil }).min(by: { $0.id < $1.id }) {
                acknowledgements.rewind(from: failed.id)
                cursor = min(cursor, Int64(failed.id) - 1)
                if lastFailureLog.map({ ContinuousClock.now - $0 > .seconds(10) }) ?? true {
                    logger.warning("outbox records not delivered; they wait and go again: \(failed.error!)")
                    lastFailureLog = .now
                }
            }
            let watermarks = acknowledgements.advance()
            if !watermarks.isEmpty {
                try store.write { db in
                    for (channel, id) in watermarks { try Outbox.markSent(db, channel: channel, through: id) }
                }
            }
            let sent = settled.filter { $0.error == nil }
            stats.recordPublished(sent.reduce(0) { $0 + ($1.isChangelog ? 0 : $1.messages) })
            stats.recordChangelogSent(sent.reduce(0) { $0 + ($1.isChangelog ? 1 : 0) })
        }

        var channels: Set<OutboxRecord.Channel> = []
        if output != nil { channels.insert(.output) }
        if changelog != nil { channels.insert(.changelog) }
        logger.info(
            "publishing the outbox",
            metadata: ["output_topic": "\(output?.topic ?? "off")", "changelog_topic": "\(changelog?.topic ?? "off")"]
        )
        // On shutdown the consumer has stopped first, so the outbox no longer grows: publish what is left
        // while the deadline allows, keeping back a little of it for the last acknowledgements. At least
        // one pass starts after the stop: the pass before it may have read the outbox before the
        // consumer's last batch committed.
        var produced = 0
        var passedSinceStop = false
        /// A record's rows were still held by the commit thread's transaction: read again shortly.
        var committing = false
        while !stop.isSet || (!passedSinceStop || produced > 0 || acknowledgements.inFlight > 0) && stopping() > .seconds(1) {
            passedSinceStop = stop.isSet
            produced = 0
            committing = false
            let room = maxInFlight - acknowledgements.inFlight
            if room > 0 && acknowledgements.changelogBytesInFlight < Self.maxChangelogBytesInFlight {
                // Each record is produced from SQLite's own bytes, straight into librdkafka's copy; one that
                // names rows by range is produced from the staged bytes in memory, or from the rows read back.
                var messages = 0
                var bytes = 0
                produced = try store.read { db in
                    try Outbox.forEachUnsent(db, afterID: cursor, limit: min(1_000, room), channels: channels) { record in
                        guard let (count, size) = try produce(record, db, producer, acknowledgements) else {
                            committing = true
                            return false
                        }
                        cursor = record.id
                        messages += count
                        bytes += size
                        return messages < room && bytes < Self.readBytes
                    }
                }
            }
            producer.poll(timeoutMilliseconds: committing ? 1 : produced == 0 ? 50 : 0)
            try settle(force: false)
        }
        do {
            try producer.flush(timeoutMilliseconds: Int32(max(.zero, deadline.remaining - .milliseconds(500)) / .milliseconds(1)))
        } catch {
            logger.warning("stopping with records in flight; they are sent again at the next start: \(error)")
        }
        try settle(force: true)
        let left = try store.read { db in try Outbox.pendingCount(db) }
        if left > 0 { logger.warning("stopping with \(left) outbox messages unsent; they are sent at the next start") }
    }

    /// Produces the messages `record` stands for and counts them in flight.
    /// - Returns: how many messages, and their bytes; `nil` when the commit thread has not yet let go of
    ///   the record's rows (it committed a moment ago): nothing was produced.
    private func produce(
        _ record: OutboxRecordView, _ db: Database, _ producer: KafkaProducer, _ acknowledgements: RelayAcknowledgements
    ) throws -> (messages: Int, bytes: Int)? {
        switch (record.channel, record.rowRanges) {
        case (.output, nil):
            acknowledgements.produced(id: UInt64(record.id), channel: .output, messages: 1, bytes: record.value.count)
            try produceOutput(record, offset: record.sourceOffset, key: record.key, value: record.value, producer)
            return (1, record.value.count)
        case (.output, let ranges?):
            guard let messages = try outputMessages(of: record, ranges, db) else { return nil }
            if messages.count != record.records {
                let partition = "\(String(decoding: record.sourceTopic, as: UTF8.self))/\(record.sourcePartition)"
                let left = messages.count
                logger.error(
                    "an outbox row names \(record.records) output messages of \(partition) from offset \(record.sourceOffset), and \(left) of their rows are left; sending those"
                )
            }
            // A row whose rows are all gone is passed at once.
            acknowledgements.produced(id: UInt64(record.id), channel: .output, messages: messages.count, bytes: messages.byteCount)
            try messages.forEach { offset, key, value in try produceOutput(record, offset: offset, key: key, value: value, producer) }
            return (messages.count, messages.byteCount)
        case (.changelog, _):
            return try withChangelogValue(of: record, db) { value -> (messages: Int, bytes: Int) in
                acknowledgements.produced(id: UInt64(record.id), channel: .changelog, messages: 1, bytes: value.count)
                try producer.produce(topic: changelog!.topic, partition: record.sourcePartition, key: nil, value: value, id: UInt64(record.id))
                return (1, value.count)
            }
        }
    }

    /// The messages an output row names: from the commit thread's memory when they are still there, else
    /// made by the workload from the rows read back.
    private func outputMessages(of record: OutboxRecordView, _ ranges: UnsafeRawBufferPointer, _ db: Database) throws -> OutputRecords? {
        switch output?.cache.take(record.id) {
        case .rows(let messages): return messages
        case .uncommitted: return nil
        case .absent, nil: break
        }
        let topic = String(decoding: record.sourceTopic, as: UTF8.self)
        let messages = try namedOutput.records(db, topic: topic, partition: record.sourcePartition, named: RowRange.decode(Array(ranges)))
        stats.recordOutputRecordsReadBack(messages.count)
        return messages
    }

    /// Calls `body` with the changelog record's value to send: its own bytes, or a copy of them followed
    /// by the rows it names by offset range, from the commit thread's memory when they are still there,
    /// else read back from their table.
    /// - Returns: what `body` returned, or `nil` when the commit thread has not let go of the rows yet.
    private func withChangelogValue<R>(of record: OutboxRecordView, _ db: Database, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        guard let ranges = record.rowRanges else { return try body(record.value) }
        var value = [UInt8](record.value)
        switch changelog?.rowCache.take(record.id) {
        case .rows(let rows):
            for part in rows { value.append(contentsOf: part) }
        case .uncommitted:
            return nil
        case .absent, nil:
            let partition = PartitionRows(tables: tables, topic: String(decoding: record.sourceTopic, as: UTF8.self), partition: record.sourcePartition)
            let rows = try partition.rows(db, of: RowRange.decode(Array(ranges)))
            stats.recordChangelogRowsReadBack(rows.rowCount)
            value.append(contentsOf: rows.bytes)
        }
        return try value.withUnsafeBytes(body)
    }

    /// Produces one output message with the `eddy-source-*` headers: the dedupe key downstream.
    private func produceOutput(
        _ record: OutboxRecordView, offset: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, _ producer: KafkaProducer
    ) throws {
        try withDecimalText(Int64(record.sourcePartition)) { partition in
            try withDecimalText(offset) { offset in
                try producer.produce(topic: output!.topic, key: key, value: value, id: UInt64(record.id)) { headers in
                    headers.add(name: "eddy-source-topic", value: record.sourceTopic)
                    headers.add(name: "eddy-source-partition", value: partition)
                    headers.add(name: "eddy-source-offset", value: offset)
                }
            }
        }
    }
}

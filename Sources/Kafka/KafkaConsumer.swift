import CLibrdKafka
import Logging
import Primitives

/// A group consumer that Eddy drives itself: offsets are committed only when asked, and a change of
/// assignment is handed to the caller as a ``KafkaRebalance`` to complete once its work in hand is
/// committed, instead of being carried out inside librdkafka's callback.
///
/// Only ``poll(into:maxMessages:timeoutMilliseconds:)`` serves the consumer queue, so no message can be
/// taken off it anywhere else. Not `Sendable`: it is made and used on the consumer loop's thread.
public final class KafkaConsumer {
    private let handle: OpaquePointer
    private let context: KafkaClientContext
    private let logger: Logger
    /// A rebalance librdkafka announced during the poll in progress.
    private var announced: KafkaRebalance?
    /// A rebalance ``poll(into:maxMessages:timeoutMilliseconds:)`` returned and the caller has not completed.
    private var uncompleted: KafkaRebalance?
    private var topicNames: [OpaquePointer: String] = [:]
    /// The partitions assigned, as of the last completed rebalance.
    private var assigned: [TopicPartition] = []
    private var closing = false
    private let waker: WorkerThread<FetchWaker>?

    /// Makes a consumer, runs `body` with it, then closes it (leaving the group, unless it is a static
    /// member: `group.instance.id`) and releases it, also when `body` throws. Partitions still assigned then are let go at once: commit what must be committed first.
    /// - Parameter config: librdkafka properties; must hold `bootstrap.servers` and `group.id`.
    ///   From librdkafka 2.2 on, `fetch.queue.backoff.ms` defaults to 10 ms; before, a ``FetchWaker``
    ///   thread keeps a bounded prefetch queue filled.
    /// - Throws: `KafkaError` naming a rejected setting, or what `body` throws.
    public static func run<R>(config: KafkaConfig, logger: Logger, _ body: (KafkaConsumer) throws -> R) throws -> R {
        var config = config
        let backoffSetting = rd_kafka_version() >= firstVersionWithFetchQueueBackoff
        if backoffSetting { config.setDefault("fetch.queue.backoff.ms", "10") }
        let context = KafkaClientContext(logger: logger)
        let box = RebalanceTarget()
        context.rebalance = { rk, err, partitions in
            if let consumer = box.consumer {
                consumer.rebalance(err, partitions)
            } else {
                // Not yet made, or closed: nothing to flush, just let everything go.
                rd_kafka_assign(rk, nil)
            }
        }
        let handle = try context.makeClient(RD_KAFKA_CONSUMER, config, "the Kafka consumer")
        rd_kafka_poll_set_consumer(handle)
        defer { rd_kafka_destroy(handle) }
        func consume(_ waker: WorkerThread<FetchWaker>?) throws -> R {
            let consumer = KafkaConsumer(handle: handle, context: context, logger: logger, waker: waker)
            box.consumer = consumer
            defer {
                consumer.close()
                box.consumer = nil
            }
            return try body(consumer)
        }
        if backoffSetting { return try consume(nil) }
        return try WorkerThread.run(named: "eddy-waker", minimumInterval: FetchWaker.interval, handle: FetchWaker.wake) { try consume($0) }
    }

    private init(handle: OpaquePointer, context: KafkaClientContext, logger: Logger, waker: WorkerThread<FetchWaker>?) {
        self.handle = handle
        self.context = context
        self.logger = logger
        self.waker = waker
    }

    /// librdkafka 2.2.0, which added `fetch.queue.backoff.ms`; older versions need a ``FetchWaker``.
    private static let firstVersionWithFetchQueueBackoff: Int32 = 0x0202_00ff

    /// Joins the group and subscribes to `topics`.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = PartitionList(topics.map { TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        let err = list.withPointer { rd_kafka_subscribe(handle, $0) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "cannot subscribe to \(topics)") }
    }

    /// Polls messages into `batch` until it holds `maxMessages`, `timeoutMilliseconds` pass, or the
    /// group changes the assignment.
    /// - Returns: the change of assignment to complete before the next poll, or `nil`.
    /// - Throws: a fatal `KafkaError`.
    public func poll(into batch: KafkaMessageBatch, maxMessages: Int, timeoutMilliseconds: Int) throws(KafkaError) -> KafkaRebalance? {
        precondition(uncompleted == nil, "a rebalance must be completed before the next poll")
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        var added = 0
        while added < maxMessages, announced == nil {
            // Take what is queued without reading the clock; wait only when the queue is empty.
            var message = rd_kafka_consumer_poll(handle, 0)
            var wait: Int32 = 0
            if message == nil, announced == nil {
                let remaining = ContinuousClock.now.duration(to: deadline)
                wait = Int32(clamping: Int(max(0, (remaining / .milliseconds(1)).rounded(.up))))
                if wait > 0 { message = rd_kafka_consumer_poll(handle, wait) }
            }
            if let fatal = context.takeFatalError() {
                if let message { rd_kafka_message_destroy(message) }
                throw fatal
            }
            guard let message else {
                if wait == 0 { break } else { continue }
            }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let error = KafkaError(message.pointee.err, "consumer")
                rd_kafka_message_destroy(message)
                if error.code != RD_KAFKA_RESP_ERR__PARTITION_EOF.rawValue { logger.warning("\(error.message)") }
                continue
            }
            batch.append(KafkaMessage(pointer: message, topic: topicName(message.pointee.rkt)))
            added += 1
        }
        if added > 0 { waker?.request(FetchWaker(handle: handle, partitions: assigned)) }
        uncompleted = announced
        announced = nil
        return uncompleted
    }

    /// Carries out `rebalance`: its partitions join the assignment, each at its offset in `offsets`
    /// (one missing there starts at the group's committed offset, then at `auto.offset.reset`), or
    /// leave it.
    /// - Parameter withheld: partitions given to this member that it does not consume: they stay its
    ///   own in the group, but are not fetched.
    /// - Throws: `KafkaError` when librdkafka refuses the assignment.
    public func complete(
        _ rebalance: KafkaRebalance, startingAt offsets: [TopicPartition: Int64] = [:], withholding withheld: Set<TopicPartition> = []
    ) throws(KafkaError) {
        precondition(rebalance === uncompleted, "complete the rebalance the last poll returned")
        uncompleted = nil
        switch rebalance.kind {
        case .assign:
            rebalance.list.setOffsets(offsets)
            let list = withheld.isEmpty ? rebalance.list : PartitionList(entries: rebalance.list.entries.filter { !withheld.contains($0.partition) })
            if isCooperative {
                if let error = list.withPointer({ rd_kafka_incremental_assign(handle, $0) }) {
                    throw KafkaError(consuming: error, "assigning partitions")
                }
            } else {
                let err = list.withPointer { rd_kafka_assign(handle, $0) }
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "assigning partitions") }
            }
            logger.info(
                "partitions assigned",
                metadata: [
                    "partitions": "\(list.entries.map(\.partition.description).sorted())", "from_store": "\(offsets.count - withheld.count)",
                ]
            )
        case .revoke:
            unassign(rebalance.list)
        }
        assigned = assignment()
    }

    /// Commits `offsets` (the next offset to read, per partition) to the group.
    public func commit(_ offsets: [TopicPartition: Int64], synchronously: Bool) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let err = PartitionList(offsets).withPointer { rd_kafka_commit(handle, $0, synchronously ? 0 : 1) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "committing offsets to Kafka") }
    }

    /// The offsets the group has committed for `partitions`; `nil` where there is none.
    public func committedOffsets(_ partitions: [TopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [TopicPartition: Int64] {
        let list = PartitionList(partitions)
        let err = list.withPointer { rd_kafka_committed(handle, $0, timeoutMilliseconds) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "reading committed offsets") }
        return list.entries.reduce(into: [:]) { result, entry in
            if entry.offset >= 0 { result[entry.partition] = entry.offset }
        }
    }

    /// The first offset `partition` holds and the offset its next record will get, asked of the broker.
    /// - Throws: `KafkaError` when it does not answer in time.
    public func watermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        try KafkaMetadata.watermarks(handle, partition, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The end offset librdkafka last saw for `partition` in a fetch response (no request is made);
    /// `nil` before the first fetch.
    public func cachedEndOffset(_ partition: TopicPartition) -> Int64? {
        cachedWatermarks(partition).flatMap { $0.high >= 0 ? $0.high : nil }
    }

    /// The partition's first offset (its log start) as librdkafka last saw it in a fetch response, without
    /// asking the broker; `nil` when not known yet.
    public func cachedStartOffset(_ partition: TopicPartition) -> Int64? {
        cachedWatermarks(partition).flatMap { $0.low >= 0 ? $0.low : nil }
    }

    private func cachedWatermarks(_ partition: TopicPartition) -> (low: Int64, high: Int64)? {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR ? (low, high) : nil
    }

    /// Stops fetching from `partitions` (they stay assigned) until ``resume(_:)``.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let err = PartitionList(partitions).withPointer { rd_kafka_pause_partitions(handle, $0) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "pausing partitions") }
    }

    /// Fetches from `partitions` again after ``pause(_:)``.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let err = PartitionList(partitions).withPointer { rd_kafka_resume_partitions(handle, $0) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "resuming partitions") }
    }

    /// The partitions currently assigned to this consumer.
    public func assignment() -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        return PartitionList(owning: list).entries.map(\.partition)
    }

    /// Leaves the group; partitions still assigned are let go at once.
    private func close() {
        closing = true
        let err = rd_kafka_consumer_close(handle)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("closing the Kafka consumer: \(String(cString: rd_kafka_err2str(err)))")
        }
    }

    // MARK: - Internals

    private func topicName(_ rkt: OpaquePointer?) -> String {
        guard let rkt else { return "" }
        if let name = topicNames[rkt] { return name }
        let name = String(cString: rd_kafka_topic_name(rkt))
        topicNames[rkt] = name
        return name
    }

    private var isCooperative: Bool {
        String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
    }

    /// librdkafka's rebalance callback, inside `rd_kafka_consumer_poll` (or `rd_kafka_consumer_close`).
    /// It only records what changed and makes the poll return; the caller completes it.
    private func rebalance(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let copy = PartitionList(copying: list)
        if err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS {
            logger.error("rebalance failed: \(String(cString: rd_kafka_err2str(err)))")
        }
        if closing {
            // Leaving the group: the caller committed before closing; let everything go.
            unassign(copy)
            return
        }
        announced = KafkaRebalance(kind: err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? .assign : .revoke, list: copy)
        rd_kafka_yield(handle)
    }

    private func unassign(_ revoked: PartitionList) {
        if isCooperative {
            // Only what is assigned: librdkafka refuses the whole list when one of them is not (a withheld one).
            // From the last completed rebalance: asking librdkafka (rd_kafka_assignment) here, inside its
            // rebalance callback while the consumer closes, waits for its main thread, which waits for this.
            let current = Set(assigned)
            let list = PartitionList(entries: revoked.entries.filter { current.contains($0.partition) })
            if let error = list.withPointer({ rd_kafka_incremental_unassign(handle, $0) }) {
                logger.warning("\(KafkaError(consuming: error, "unassigning partitions"))")
            }
        } else {
            rd_kafka_assign(handle, nil)
        }
        logger.info("partitions revoked", metadata: ["partitions": "\(revoked.entries.map(\.partition.description).sorted())"])
    }
}

/// Where librdkafka's rebalance callback finds the consumer, which is made after the handle.
private final class RebalanceTarget {
    weak var consumer: KafkaConsumer?
}

import CLibrdKafka
import Logging

/// A group consumer that Eddy drives itself: no auto-commit, offsets chosen by a
/// ``KafkaRebalanceHandler`` on assignment, work flushed and offsets committed before a revoke.
///
/// `@unchecked Sendable`: it is created on one thread and then used only by the consumer loop's own
/// thread; librdkafka's handle is itself thread-safe for the calls made here.
public final class KafkaConsumer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: KafkaClientContext
    private let logger: Logger
    private weak var rebalanceHandler: KafkaRebalanceHandler?
    private var rebalanceError: Error?
    private var topicNames: [OpaquePointer: String] = [:]
    private var closed = false
    private let waker: FetchWaker?

    /// - Parameters:
    ///   - config: librdkafka properties; must hold `bootstrap.servers` and `group.id`. Eddy sets
    ///     `enable.auto.commit=false`, `enable.auto.offset.store=false`, and `auto.offset.reset=earliest`
    ///     unless given, and bounds the memory of prefetched messages (``memoryDefaults``).
    ///   - rebalanceHandler: held weakly; asked for start offsets and flushed before revokes.
    /// - Throws: `KafkaError` naming a rejected setting.
    public init(config: KafkaConfig, rebalanceHandler: KafkaRebalanceHandler, logger: Logger) throws(KafkaError) {
        var config = config
        config["enable.auto.commit"] = "false"
        config["enable.auto.offset.store"] = "false"
        config.setDefault("auto.offset.reset", "earliest")
        config.setDefault("enable.partition.eof", "false")
        for (name, value) in Self.memoryDefaults { config.setDefault(name, value) }
        let backoffSetting = rd_kafka_version() >= Self.firstVersionWithFetchQueueBackoff
        if backoffSetting { config.setDefault("fetch.queue.backoff.ms", "10") }
        self.logger = logger
        self.rebalanceHandler = rebalanceHandler
        context = KafkaClientContext(logger: logger)
        weak var weakSelf: KafkaConsumer?
        context.rebalance = { rk, err, partitions in
            if let consumer = weakSelf {
                consumer.rebalance(err, partitions)
            } else {
                // The consumer is being destroyed: nothing to flush, just let everything go.
                rd_kafka_assign(rk, nil)
            }
        }
        handle = try context.makeClient(RD_KAFKA_CONSUMER, config, "the Kafka consumer")
        rd_kafka_poll_set_consumer(handle)
        waker = backoffSetting ? nil : FetchWaker(handle: handle)
        weakSelf = self
    }

    deinit {
        close()
    }

    /// Bounds on prefetched messages, set unless given: librdkafka's own defaults (a 64 MB local queue,
    /// 50 MB fetches) would let the prefetch alone take most of the memory Eddy means to use.
    ///
    /// 4 MB: with the queue refilled as soon as it has room, 16 MB was no faster with `login_events`
    /// (202-205k events/s against 215k, within the noise) and 7 % faster counts only, for 30-40 MB more
    /// peak RSS (measured: 71-80 MB against 111-112 MB).
    ///
    /// The queue is bounded by bytes only: librdkafka's default 100,000-message threshold stopped the
    /// fetches long before 4 MB of user-login events were queued. A full queue is refilled as soon as it
    /// has room (``FetchWaker`` before librdkafka 2.2, `fetch.queue.backoff.ms` from 2.2).
    public static let memoryDefaults = [
        "queued.max.messages.kbytes": "4096",
        "queued.min.messages": "1000000",
        "fetch.max.bytes": "8388608",
    ]

    /// librdkafka 2.2.0, which added `fetch.queue.backoff.ms`; older versions need a ``FetchWaker``.
    private static let firstVersionWithFetchQueueBackoff: Int32 = 0x0202_00ff

    /// Joins the group and subscribes to `topics`.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let err = rd_kafka_subscribe(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "cannot subscribe to \(topics)") }
    }

    /// Asks the cluster for metadata, proving a broker answers.
    /// - Returns: the partition count of every topic the cluster knows.
    /// - Throws: `KafkaError` when no broker answers within the timeout.
    public func topicPartitionCounts(timeoutMilliseconds: Int32) throws(KafkaError) -> [String: Int] {
        try KafkaMetadata.partitionCounts(handle, context, timeoutMilliseconds: timeoutMilliseconds) {
            // Not yet subscribed: the consumer queue holds only events, served to the callbacks.
            if let message = rd_kafka_consumer_poll(handle, 0) { rd_kafka_message_destroy(message) }
        }
    }

    /// Polls messages into `batch` until it holds `maxMessages` or `timeoutMilliseconds` pass.
    /// Rebalance callbacks run inside this call, on the calling thread.
    /// - Returns: how many messages were added.
    /// - Throws: a fatal `KafkaError`, or the error a rebalance handler threw.
    @discardableResult
    public func poll(into batch: KafkaMessageBatch, maxMessages: Int, timeoutMilliseconds: Int) throws -> Int {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        var added = 0
        while added < maxMessages {
            // Take what is queued without reading the clock; wait only when the queue is empty.
            var message = rd_kafka_consumer_poll(handle, 0)
            var wait: Int32 = 0
            if message == nil {
                let remaining = ContinuousClock.now.duration(to: deadline)
                wait = Int32(clamping: Int(max(0, (remaining / .milliseconds(1)).rounded(.up))))
                if wait > 0 { message = rd_kafka_consumer_poll(handle, wait) }
            }
            try throwPendingErrors()
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
        if added > 0 { waker?.request() }
        return added
    }

    /// Commits `offsets` (the next offset to read, per partition) to the group.
    public func commit(_ offsets: [TopicPartition: Int64], synchronously: Bool) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = PartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(handle, list, synchronously ? 0 : 1)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "committing offsets to Kafka") }
    }

    /// The offsets the group has committed for `partitions`; `nil` where there is none.
    public func committedOffsets(_ partitions: [TopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [TopicPartition: Int64] {
        let list = PartitionList.make(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(handle, list, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "reading committed offsets") }
        return PartitionList.entries(list).reduce(into: [:]) { result, entry in
            if entry.1 >= 0 { result[entry.0] = entry.1 }
        }
    }

    /// The end offset librdkafka last saw for `partition` in a fetch response (no request is made);
    /// `nil` before the first fetch.
    public func cachedEndOffset(_ partition: TopicPartition) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
    }

    /// Stops fetching from `partitions` (they stay assigned) until ``resume(_:)``.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try changePause(partitions, pause: true)
    }

    /// Fetches from `partitions` again after ``pause(_:)``.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try changePause(partitions, pause: false)
    }

    private func changePause(_ partitions: [TopicPartition], pause: Bool) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let list = PartitionList.make(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = pause ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, pause ? "pausing partitions" : "resuming partitions") }
    }

    /// The partitions currently assigned to this consumer.
    public func assignment() -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return PartitionList.entries(list).map(\.0)
    }

    /// Leaves the group (running the revoke handler first) and releases the handle. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        waker?.stop()
        let err = rd_kafka_consumer_close(handle)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("closing the Kafka consumer: \(String(cString: rd_kafka_err2str(err)))")
        }
        rd_kafka_destroy(handle)
    }

    // MARK: - Internals

    private func throwPendingErrors() throws {
        if let error = rebalanceError {
            rebalanceError = nil
            throw error
        }
        if let fatal = context.takeFatalError() { throw fatal }
    }

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

    private func rebalance(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let partitions = PartitionList.entries(list).map(\.0)
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            assign(partitions, list)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            revoke(partitions, list)
        default:
            logger.error("rebalance failed: \(String(cString: rd_kafka_err2str(err)))")
            revoke(partitions, list)
        }
    }

    private func assign(_ partitions: [TopicPartition], _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        do {
            let stored = try rebalanceHandler?.partitionsAssigned(partitions) ?? [:]
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                let partition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
                list.pointee.elems[index].offset = stored[partition] ?? Int64(RD_KAFKA_OFFSET_INVALID)
            }
            logger.info(
                "partitions assigned",
                metadata: [
                    "partitions": "\(partitions.map(\.description).sorted())",
                    "from_store": "\(stored.count)",
                ]
            )
        } catch {
            rebalanceError = error
            return
        }
        if isCooperative {
            if let error = rd_kafka_incremental_assign(handle, list) {
                rebalanceError = KafkaError(consuming: error, "assigning partitions")
            }
        } else {
            let err = rd_kafka_assign(handle, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { rebalanceError = KafkaError(err, "assigning partitions") }
        }
        waker?.setPartitions(assignment())
    }

    private func revoke(_ partitions: [TopicPartition], _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        do {
            let offsets = try rebalanceHandler?.partitionsRevoked(partitions) ?? [:]
            try commit(offsets, synchronously: true)
        } catch {
            logger.warning("before giving up partitions: \(error)")
            if rebalanceError == nil, !(error is KafkaError) { rebalanceError = error }
        }
        logger.info("partitions revoked", metadata: ["partitions": "\(partitions.map(\.description).sorted())"])
        if isCooperative {
            if let error = rd_kafka_incremental_unassign(handle, list) {
                logger.warning("\(KafkaError(consuming: error, "unassigning partitions"))")
            }
        } else {
            rd_kafka_assign(handle, nil)
        }
        waker?.setPartitions(assignment())
    }
}

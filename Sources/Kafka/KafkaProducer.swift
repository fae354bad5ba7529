import CLibrdKafka
import Logging
import Primitives

/// A producer with delivery reports. Each produced message carries a caller-chosen `id` that comes back
/// in the delivery handler, on the thread that calls ``poll(timeoutMilliseconds:)`` or ``flush(timeoutMilliseconds:)``.
///
/// `@unchecked Sendable`: librdkafka's producer handle is thread-safe; the Swift state is immutable.
public final class KafkaProducer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: KafkaClientContext

    /// - Parameters:
    ///   - config: librdkafka properties; must hold `bootstrap.servers`.
    ///   - onDelivery: called once per message with its id and `nil` on success or the error.
    /// - Throws: `KafkaError` naming a rejected setting.
    public init(
        config: KafkaConfig,
        logger: Logger,
        onDelivery: @escaping @Sendable (UInt64, KafkaError?) -> Void = { _, _ in }
    ) throws(KafkaError) {
        context = KafkaClientContext(logger: logger)
        context.delivery = onDelivery
        handle = try context.makeClient(RD_KAFKA_PRODUCER, config, "the Kafka producer")
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// Queues one message. When librdkafka's queue is full it serves delivery reports and tries again.
    /// - Parameters:
    ///   - partition: a partition, or `nil` to let the partitioner choose by key.
    ///   - value: `nil` produces a tombstone.
    /// - Throws: `KafkaError` when the message cannot be queued (or a fatal error occurred).
    public func produce(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        id: UInt64 = 0
    ) throws(KafkaError) {
        let error = withOptionalBytes(key) { key in
            withOptionalBytes(value) { value in
                Result { () throws(KafkaError) in
                    try produce(topic: topic, partition: partition, key: key, value: value, id: id) { list in
                        for header in headers {
                            withOptionalBytes(header.value) { list.add(name: header.name, value: $0) }
                        }
                    }
                }
            }
        }
        try error.get()
    }

    /// Queues one message from bytes the caller holds; librdkafka copies them, and the headers that
    /// `headers` adds. When librdkafka's queue is full it serves delivery reports and tries again.
    /// - Parameters:
    ///   - partition: a partition, or `nil` to let the partitioner choose by key.
    ///   - value: `nil` produces a tombstone.
    /// - Throws: `KafkaError` when the message cannot be queued (or a fatal error occurred).
    public func produce(
        topic: String,
        partition: Int32? = nil,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        id: UInt64 = 0,
        headers: (inout KafkaHeaderList) -> Void = { _ in }
    ) throws(KafkaError) {
        while true {
            let error = Self.enqueue(handle, topic, partition, key, value, headers, id)
            guard let error else { return }
            let failure = KafkaError(consuming: error, "producing to \(topic)")
            guard failure.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue else { throw failure }
            rd_kafka_poll(handle, 100)
            if let fatal = context.takeFatalError() { throw fatal }
        }
    }

    /// Serves delivery reports for up to `timeoutMilliseconds`.
    /// - Returns: how many events were served.
    @discardableResult
    public func poll(timeoutMilliseconds: Int32 = 0) -> Int {
        Int(rd_kafka_poll(handle, timeoutMilliseconds))
    }

    /// Waits until every queued message is delivered or failed.
    /// - Throws: `KafkaError` when messages are still in flight after the timeout.
    public func flush(timeoutMilliseconds: Int32) throws(KafkaError) {
        let err = rd_kafka_flush(handle, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(err, "\(rd_kafka_outq_len(handle)) messages still undelivered after \(timeoutMilliseconds) ms")
        }
    }

    /// The partition count of every topic the cluster knows.
    /// - Throws: `KafkaError` when no broker answers within the timeout.
    public func topicPartitionCounts(timeoutMilliseconds: Int32) throws(KafkaError) -> [String: Int] {
        try KafkaMetadata.partitionCounts(handle, context, timeoutMilliseconds: timeoutMilliseconds) { rd_kafka_poll(handle, 0) }
    }

    private static func enqueue(
        _ handle: OpaquePointer,
        _ topic: String,
        _ partition: Int32?,
        _ key: UnsafeRawBufferPointer?,
        _ value: UnsafeRawBufferPointer?,
        _ headers: (inout KafkaHeaderList) -> Void,
        _ id: UInt64
    ) -> OpaquePointer? {
        // librdkafka takes the header list when the message is queued; otherwise it is ours to free.
        var headerList = KafkaHeaderList()
        headers(&headerList)
        let error = topic.withCString { topicName in
            withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { fields in
                var count = 0
                func append(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                    var field = rd_kafka_vu_t()
                    field.vtype = type
                    fill(&field)
                    fields.initializeElement(at: count, to: field)
                    count += 1
                }
                append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topicName }
                append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition ?? RD_KAFKA_PARTITION_UA }
                append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id)) }
                if let key {
                    append(RD_KAFKA_VTYPE_KEY) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        $0.u.mem.size = key.count
                    }
                }
                if let value {
                    append(RD_KAFKA_VTYPE_VALUE) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                        $0.u.mem.size = value.count
                    }
                }
                if let list = headerList.list {
                    append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = list }
                }
                defer { fields.baseAddress!.deinitialize(count: count) }
                return rd_kafka_produceva(handle, fields.baseAddress, count)
            }
        }
        if error != nil, let list = headerList.list { rd_kafka_headers_destroy(list) }
        return error
    }
}

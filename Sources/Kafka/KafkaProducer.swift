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
        _ key: [UInt8]?,
        _ value: [UInt8]?,
        _ headers: [KafkaHeader],
        _ id: UInt64
    ) -> OpaquePointer? {
        topic.withCString { topicName in
            withOptionalBytes(key) { keyBytes in
                withOptionalBytes(value) { valueBytes in
                    var fields: [rd_kafka_vu_t] = []
                    fields.reserveCapacity(6 + headers.count)
                    var field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_TOPIC
                    field.u.cstr = topicName
                    fields.append(field)
                    field.vtype = RD_KAFKA_VTYPE_PARTITION
                    field.u.i32 = partition ?? RD_KAFKA_PARTITION_UA
                    fields.append(field)
                    field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    field.u.i = RD_KAFKA_MSG_F_COPY
                    fields.append(field)
                    field.vtype = RD_KAFKA_VTYPE_OPAQUE
                    field.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id))
                    fields.append(field)
                    if let keyBytes {
                        field.vtype = RD_KAFKA_VTYPE_KEY
                        field.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                        field.u.mem.size = keyBytes.count
                        fields.append(field)
                    }
                    if let valueBytes {
                        field.vtype = RD_KAFKA_VTYPE_VALUE
                        field.u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes.baseAddress)
                        field.u.mem.size = valueBytes.count
                        fields.append(field)
                    }
                    // librdkafka takes the header list when the message is queued; otherwise it is ours to free.
                    let headerList = headers.isEmpty ? nil : Self.headerList(headers)
                    if let headerList {
                        field.vtype = RD_KAFKA_VTYPE_HEADERS
                        field.u.headers = headerList
                        fields.append(field)
                    }
                    let error = fields.withUnsafeBufferPointer { rd_kafka_produceva(handle, $0.baseAddress, $0.count) }
                    if error != nil, let headerList { rd_kafka_headers_destroy(headerList) }
                    return error
                }
            }
        }
    }

    /// A new `rd_kafka_headers_t` holding copies of `headers`.
    private static func headerList(_ headers: [KafkaHeader]) -> OpaquePointer {
        let list = rd_kafka_headers_new(headers.count)!
        for header in headers {
            withOptionalBytes(header.value) { value in
                _ = rd_kafka_header_add(list, header.name, -1, value?.baseAddress, value?.count ?? 0)
            }
        }
        return list
    }
}

import CLibrdKafka
import Logging

/// A client that only asks the cluster questions (topics, partition end offsets), for `eddy status`.
///
/// `@unchecked Sendable`: librdkafka's handle is thread-safe and the Swift state is immutable.
public final class KafkaInspector: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: KafkaClientContext

    /// - Throws: `KafkaError` naming a rejected setting.
    public init(config: KafkaConfig, logger: Logger) throws(KafkaError) {
        context = KafkaClientContext(logger: logger)
        let conf = try config.makeHandle()
        context.install(on: conf)
        var errorText = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let reason = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: "cannot create a Kafka client: \(reason)")
        }
        handle = rk
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// The partition count of every topic the cluster knows.
    /// - Throws: `KafkaError` when no broker answers within the timeout.
    public func topicPartitionCounts(timeoutMilliseconds: Int32) throws(KafkaError) -> [String: Int] {
        try KafkaMetadata.partitionCounts(handle, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The end offset (the offset the next produced message will get) of each partition.
    /// - Throws: `KafkaError` for the first partition the cluster does not answer for.
    public func endOffsets(_ partitions: [TopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for partition in partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "reading the end offset of \(partition)") }
            result[partition] = high
        }
        return result
    }
}

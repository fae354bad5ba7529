import CLibrdKafka
import Logging

/// A client that only asks the cluster questions (topics, partition end offsets): for `eddy status`,
/// and for the consumer loop to probe the broker without touching its consumer's queue.
///
/// `@unchecked Sendable`: librdkafka's handle is thread-safe and the Swift state is immutable.
public final class KafkaInspector: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: KafkaClientContext

    /// - Parameter config: the consumer's properties will do: a consumer handle outside any group
    ///   (`group.id` is dropped) accepts them, and has no messages to serve.
    /// - Throws: `KafkaError` naming a rejected setting.
    public init(config: KafkaConfig, logger: Logger) throws(KafkaError) {
        var config = config
        config["group.id"] = nil
        context = KafkaClientContext(logger: logger)
        handle = try context.makeClient(RD_KAFKA_CONSUMER, config, "a Kafka client")
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// The partition count of every topic the cluster knows.
    /// - Throws: `KafkaError` when no broker answers within the timeout.
    public func topicPartitionCounts(timeoutMilliseconds: Int32) throws(KafkaError) -> [String: Int] {
        try KafkaMetadata.partitionCounts(handle, context, timeoutMilliseconds: timeoutMilliseconds) { rd_kafka_poll(handle, 0) }
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

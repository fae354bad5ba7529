import CLibrdKafka
import Logging

/// A client outside any group for requests about the cluster (topics, partition end offsets, creating
/// a topic): for `eddy status`, and for the consumer loop to probe the broker without touching its
/// consumer's queue.
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
            result[partition] = try KafkaMetadata.watermarks(handle, partition, timeoutMilliseconds: timeoutMilliseconds).high
        }
        return result
    }

    /// Creates `topic` through the admin API; one that already exists is left as it is.
    /// - Parameters:
    ///   - settings: topic-level configuration (`cleanup.policy`, `retention.ms`, ...).
    ///   - replicationFactor: `-1` for the broker's default.
    /// - Throws: `KafkaError` when the cluster refuses (no right to create topics, a broker without the
    ///   request) or does not answer in time.
    public func createTopic(
        _ topic: String, partitions: Int, replicationFactor: Int = -1, settings: [String: String], timeoutMilliseconds: Int32
    ) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(topic, Int32(partitions), Int32(replicationFactor), &errorText, errorText.count) else {
            let reason = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: "creating \(topic): \(reason)")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            let err = rd_kafka_NewTopic_set_config(newTopic, name, value)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "creating \(topic) with \(name)=\(value)") }
        }
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errorText, errorText.count)
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &topics, 1, options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds + 1_000) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, message: "creating \(topic): no answer in time")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: err.rawValue, message: "creating \(topic): \(String(cString: rd_kafka_event_error_string(event)))")
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event), let results = rd_kafka_CreateTopics_result_topics(result, &count), count == 1
        else { throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL.rawValue, message: "creating \(topic): the cluster gave no result") }
        let topicError = rd_kafka_topic_result_error(results[0])
        guard topicError == RD_KAFKA_RESP_ERR_NO_ERROR || topicError == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else {
            let message = rd_kafka_topic_result_error_string(results[0]).map { String(cString: $0) } ?? ""
            throw KafkaError(code: topicError.rawValue, message: "creating \(topic): \(message)")
        }
    }
}

import CLibrdKafka

/// Cluster metadata requests shared by the clients.
enum KafkaMetadata {
    /// The partition count of every topic the cluster knows.
    /// - Parameter serveEvents: hands librdkafka's queued error events to `context` (they are queued
    ///   until the client polls).
    /// - Throws: `KafkaError` when no broker answers within the timeout, with the last error
    ///   `context` saw (a refused TLS handshake, a failed SASL authentication).
    static func partitionCounts(
        _ handle: OpaquePointer,
        _ context: KafkaClientContext,
        timeoutMilliseconds: Int32,
        serveEvents: () -> Void
    ) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            serveEvents()
            throw KafkaError(
                code: err.rawValue,
                message: "no Kafka broker answered within \(timeoutMilliseconds / 1000) s "
                    + "(\(context.lastError?.message ?? String(cString: rd_kafka_err2str(err)))): "
                    + "check the broker addresses, the security settings and that Kafka is running"
            )
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                result[String(cString: topic.topic)] = Int(topic.partition_cnt)
            }
        }
        return result
    }

    /// The first offset `partition` still holds and the offset its next record will get.
    /// - Throws: `KafkaError` when the cluster does not answer in time.
    static func watermarks(_ handle: OpaquePointer, _ partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "reading the offsets of \(partition)") }
        return (low, high)
    }
}

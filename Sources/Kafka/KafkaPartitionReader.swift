import CLibrdKafka
import Logging

/// Reads one partition from a given offset to its end, outside any consumer group: how a new owner
/// reads a changelog partition. Its offsets are never committed.
///
/// Not `Sendable`: made and used on one thread.
public final class KafkaPartitionReader {
    private let handle: OpaquePointer
    private let context: KafkaClientContext

    /// - Parameter config: the consumer's properties will do; the reader takes its partitions by
    ///   assignment, so its `group.id` is never joined, and commits nothing.
    /// - Throws: `KafkaError` naming a rejected setting.
    public init(config: KafkaConfig, logger: Logger) throws(KafkaError) {
        var config = config
        config["group.id"] = (config["group.id"] ?? "eddy") + ".changelog-reader"
        config["group.instance.id"] = nil
        config["enable.auto.commit"] = "false"
        config["enable.auto.offset.store"] = "false"
        config["enable.partition.eof"] = "false"
        config["auto.offset.reset"] = "earliest"
        // A restore reads to the end at once: no fetch waits for more data to come.
        config["fetch.wait.max.ms"] = "5"
        context = KafkaClientContext(logger: logger)
        handle = try context.makeClient(RD_KAFKA_CONSUMER, config, "a Kafka changelog reader")
        rd_kafka_poll_set_consumer(handle)
    }

    deinit {
        rd_kafka_consumer_close(handle)
        rd_kafka_destroy(handle)
    }

    /// The first offset the partition still holds and the offset its next record will get.
    /// - Throws: `KafkaError` when the cluster does not answer in time.
    public func watermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        try KafkaMetadata.watermarks(handle, partition, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Calls `body` with the offset and value of every record of `partition` from `start` up to, not
    /// including, `end`, in order.
    /// - Parameter stallMilliseconds: how long no record may arrive before the read fails.
    /// - Throws: `KafkaError` when the partition cannot be read or no record arrives in time; what
    ///   `body` throws.
    public func read(
        _ partition: TopicPartition, from start: Int64, to end: Int64, stallMilliseconds: Int = 30_000,
        _ body: (Int64, UnsafeRawBufferPointer?) throws -> Void
    ) throws {
        guard start < end else { return }
        let list = PartitionList([partition: start])
        let err = list.withPointer { rd_kafka_assign(handle, $0) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "assigning \(partition) to the changelog reader") }
        defer { rd_kafka_assign(handle, nil) }
        var next = start
        var lastProgress = ContinuousClock.now
        while next < end {
            guard let message = rd_kafka_consumer_poll(handle, 200) else {
                if ContinuousClock.now - lastProgress > .milliseconds(stallMilliseconds) {
                    throw KafkaError(
                        code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
                        message: "reading \(partition): no record arrived in \(stallMilliseconds / 1000) s at offset \(next) of \(end)"
                    )
                }
                continue
            }
            defer { rd_kafka_message_destroy(message) }
            let record = message.pointee
            guard record.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                if record.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                throw KafkaError(record.err, "reading \(partition) at offset \(next)")
            }
            lastProgress = .now
            guard record.offset >= next else { continue }
            let value = record.payload.map { UnsafeRawBufferPointer(start: $0, count: record.len) }
            try body(record.offset, value)
            next = record.offset + 1
        }
    }
}

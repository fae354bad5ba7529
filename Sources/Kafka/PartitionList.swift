import CLibrdKafka

/// An `rd_kafka_topic_partition_list_t` that destroys itself: made from Swift values to hand to
/// librdkafka, or copied from one librdkafka lends to a callback.
final class PartitionList {
    private let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A list of `offsets`' partitions, each with its offset.
    init(_ offsets: [TopicPartition: Int64]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        for (partition, offset) in offsets {
            rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition).pointee.offset = offset
        }
    }

    /// A list of `entries`, each partition with its offset.
    convenience init(entries: [(partition: TopicPartition, offset: Int64)]) {
        self.init(Dictionary(entries.map { ($0.partition, $0.offset) }) { first, _ in first })
    }

    /// A list of `partitions` without offsets (`RD_KAFKA_OFFSET_INVALID`), or of every partition of
    /// each topic (`RD_KAFKA_PARTITION_UA`) for a subscription.
    convenience init(_ partitions: [TopicPartition]) {
        self.init(Dictionary(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }) { first, _ in first })
    }

    /// Takes ownership of `pointer`.
    init(owning pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    /// A copy of a list librdkafka owns.
    convenience init(copying list: UnsafePointer<rd_kafka_topic_partition_list_t>) {
        self.init(owning: rd_kafka_topic_partition_list_copy(list)!)
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// Calls `body` with the C list, which lives at least until `body` returns.
    func withPointer<R, E: Error>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(E) -> R) throws(E) -> R {
        defer { withExtendedLifetime(self) {} }
        return try body(pointer)
    }

    /// The partitions, with their offsets.
    var entries: [(partition: TopicPartition, offset: Int64)] {
        (0..<Int(pointer.pointee.cnt)).map { index in
            let element = pointer.pointee.elems[index]
            return (TopicPartition(topic: String(cString: element.topic), partition: element.partition), element.offset)
        }
    }

    /// Sets the offset of every listed partition found in `offsets`, and `RD_KAFKA_OFFSET_INVALID`
    /// (the group's committed offset, then `auto.offset.reset`) for the others.
    func setOffsets(_ offsets: [TopicPartition: Int64]) {
        for index in 0..<Int(pointer.pointee.cnt) {
            let element = pointer.pointee.elems[index]
            let partition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            pointer.pointee.elems[index].offset = offsets[partition] ?? Int64(RD_KAFKA_OFFSET_INVALID)
        }
    }
}

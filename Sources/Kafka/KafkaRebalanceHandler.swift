/// Decides where assigned partitions start and flushes work before partitions are taken away.
/// Called on the polling thread, from inside ``KafkaConsumer/poll(into:maxMessages:timeoutMilliseconds:)``.
public protocol KafkaRebalanceHandler: AnyObject {
    /// The offsets to start the newly assigned partitions at. A partition missing from the result
    /// starts at the group's committed offset, then at `auto.offset.reset`.
    func partitionsAssigned(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64]

    /// Called before `partitions` are taken away: finish or drop work in hand for them and return the
    /// next offsets to commit to Kafka synchronously before the consumer lets them go.
    func partitionsRevoked(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64]
}

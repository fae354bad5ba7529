/// A change of the consumer's assignment that the group decided and the application has not yet
/// carried out. ``KafkaConsumer/poll(into:maxMessages:timeoutMilliseconds:)`` returns it and fetches
/// nothing more until it is completed with ``KafkaConsumer/complete(_:startingAt:)``, so that work in
/// hand can be committed first, in order.
public final class KafkaRebalance {
    public enum Kind: Sendable {
        /// `partitions` are added to the assignment.
        case assign
        /// `partitions` are taken away: the group gave them to another member, or they were lost
        /// (a rebalance error, a session that expired).
        case revoke
    }

    public let kind: Kind
    /// The partitions that come or go.
    public let partitions: [TopicPartition]
    /// librdkafka's list, kept to hand back when the rebalance is completed.
    let list: PartitionList

    init(kind: Kind, list: PartitionList) {
        self.kind = kind
        self.list = list
        partitions = list.entries.map(\.partition)
    }
}

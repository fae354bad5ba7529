import CLibrdKafka
import Primitives

/// A wake-up for librdkafka's fetchers while the application drains the prefetch queue
/// (librdkafka < 2.2), handled on a ``WorkerThread`` that ``KafkaConsumer`` runs.
///
/// librdkafka stops fetching while the local queue is over `queued.max.messages.kbytes`. Before 2.2, a
/// broker thread looks at the queue again only when something wakes it: a response, a request to
/// send, or its one-second timer. A consumer that drains the queue faster than that idles for most of
/// every second (docs/performance.md). librdkafka 2.2 added `fetch.queue.backoff.ms` for this;
/// ``KafkaConsumer`` sets it there and requests no wake-ups.
///
/// While messages flow, at most every ``interval``, the worker asks every leader for the latest
/// offsets of the assigned partitions (one ListOffsets request per leader broker, answered from the
/// broker's memory): queuing the request wakes the leader's broker thread, which then fetches again if
/// the queue has room.
///
/// `@unchecked Sendable`: the handle is thread-safe for `rd_kafka_offsets_for_times`, and the consumer
/// stops the worker before it destroys the handle.
struct FetchWaker: @unchecked Sendable {
    let handle: OpaquePointer
    let partitions: [TopicPartition]

    /// The shortest time between two wake-ups.
    static let interval = Duration.milliseconds(20)

    @Sendable static func wake(_ request: FetchWaker) {
        guard !request.partitions.isEmpty else { return }
        let list = PartitionList(Dictionary(uniqueKeysWithValues: request.partitions.map { ($0, Int64(RD_KAFKA_OFFSET_END)) }))
        _ = list.withPointer { rd_kafka_offsets_for_times(request.handle, $0, 1_000) }
    }
}

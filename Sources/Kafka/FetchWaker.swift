import CLibrdKafka
import Foundation

/// Wakes librdkafka's fetchers while the application drains the prefetch queue (librdkafka < 2.2).
///
/// librdkafka stops fetching while the local queue is over `queued.max.messages.kbytes`. Before 2.2, a
/// broker thread looks at the queue again only when something wakes it: a response, a request to
/// send, or its one-second timer. A consumer that drains the queue faster than that idles for most of
/// every second: counts-only consumption measured 120k events/s with the 16 MB queue, and 350k/s with
/// this waker. (librdkafka 2.2 added `fetch.queue.backoff.ms` for this; ``KafkaConsumer`` sets it there
/// and starts no waker.)
///
/// While messages flow, at most every `interval`, the waker asks every leader for the latest offsets of
/// the assigned partitions (one ListOffsets request per leader broker, answered from the broker's
/// memory), from its own thread: queuing the request wakes the leader's broker thread, which then
/// fetches again if the queue has room.
///
/// `@unchecked Sendable`: `partitions`, `requested` and `stopped` are only touched under `condition`;
/// the handle is thread-safe for `rd_kafka_offsets_for_times`.
final class FetchWaker: @unchecked Sendable {
    private let handle: OpaquePointer
    private let interval: Duration
    private let condition = NSCondition()
    private var partitions: [TopicPartition] = []
    private var requested = false
    private var stopped = false
    private var finished = false

    /// Starts the thread. `interval` is the shortest time between two wake-ups.
    init(handle: OpaquePointer, interval: Duration = .milliseconds(20)) {
        self.handle = handle
        self.interval = interval
        let thread = Thread { [self] in
            Thread.current.name = "eddy-waker"
            run()
        }
        thread.start()
    }

    /// The partitions to name in the requests: the consumer's assignment.
    func setPartitions(_ partitions: [TopicPartition]) {
        condition.withLock { self.partitions = partitions }
    }

    /// Asks for a wake-up soon; cheap enough to call after every poll that returned messages.
    func request() {
        condition.withLock {
            requested = true
            condition.signal()
        }
    }

    /// Stops the thread and waits for it; call before the handle is destroyed.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
            while !finished { condition.wait() }
        }
    }

    private func run() {
        while true {
            let wanted: [TopicPartition]? = condition.withLock {
                while !requested && !stopped { condition.wait() }
                requested = false
                return stopped ? nil : partitions
            }
            guard let wanted else { break }
            let started = ContinuousClock.now
            if !wanted.isEmpty {
                let list = PartitionList.make(Dictionary(uniqueKeysWithValues: wanted.map { ($0, Int64(RD_KAFKA_OFFSET_END)) }))
                _ = rd_kafka_offsets_for_times(handle, list, 1_000)
                rd_kafka_topic_partition_list_destroy(list)
            }
            Thread.sleep(forTimeInterval: max(0, (interval - (ContinuousClock.now - started)) / .seconds(1)))
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }
}

import Kafka
import Store

/// A batch staged on the consumer thread and not yet committed: the workload's batch value, the
/// messages that failed, and the next offset of every partition it read. Staging copies everything
/// the transaction needs out of the Kafka messages, so they can be released at once.
struct StagedBatch<W: Workload>: Sendable {
    private(set) var effects: W.Batch
    private(set) var failures: [(message: FailedMessage, isTransient: Bool)] = []
    private(set) var nextOffsets: [TopicPartition: Int64] = [:]
    /// The first offset of every partition it read.
    private(set) var firstOffsets: [TopicPartition: Int64] = [:]
    /// Where a partition's offsets skip ahead inside the batch: the message after the one before `from`
    /// is at `to`. A hole in the log (a transaction marker, a compacted record), or messages the broker
    /// deleted while they waited to be read (librdkafka then starts again at the log's new start).
    private(set) var skips: [(partition: TopicPartition, from: Int64, to: Int64)] = []
    /// Offsets the broker deleted before they were read, found while staging; recorded in the transaction.
    var gaps: [OffsetGap] = []
    private(set) var count = 0
    /// The partition of the last message and the offset after it; merged into `nextOffsets` when the
    /// partition changes, because librdkafka hands out runs of messages from one partition.
    private var run: (partition: TopicPartition, next: Int64)?

    /// Stages every message of `messages` through `workload`.
    init(_ messages: KafkaMessageBatch, by workload: W) {
        effects = workload.makeBatch(capacity: messages.count)
        messages.forEach { message in
            let incoming = IncomingMessage(
                topic: message.topic,
                partition: message.partition,
                offset: message.offset,
                key: message.key,
                value: message.value
            )
            if let failure = workload.stage(incoming, into: &effects) {
                failures.append((Self.failedMessage(message, failure), failure.isTransient))
            }
            note(topic: message.topic, partition: message.partition, next: message.offset + 1)
        }
        count = messages.count
        flushRun()
    }

    /// The failed messages by error class.
    var failureCounts: [String: Int] {
        failures.reduce(into: [:]) { $0[$1.message.errorClass, default: 0] += 1 }
    }

    private mutating func note(topic: String, partition: Int32, next: Int64) {
        if let current = run, current.partition.partition == partition, current.partition.topic == topic {
            if next - 1 > current.next { skips.append((current.partition, current.next, next - 1)) }
            run?.next = max(current.next, next)
            return
        }
        flushRun()
        let started = TopicPartition(topic: topic, partition: partition)
        if let before = nextOffsets[started], next - 1 > before { skips.append((started, before, next - 1)) }
        run = (started, next)
        firstOffsets[started] = min(firstOffsets[started] ?? next - 1, next - 1)
    }

    private mutating func flushRun() {
        guard let run else { return }
        nextOffsets[run.partition] = max(nextOffsets[run.partition] ?? 0, run.next)
        self.run = nil
    }

    private static func failedMessage(_ message: KafkaMessage, _ failure: WorkloadFailure) -> FailedMessage {
        FailedMessage(
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            key: message.key.map { Array($0) },
            payload: message.value.map { Array($0) },
            headers: message.headers.map { ($0.name, $0.value) },
            errorClass: failure.errorClass,
            error: failure.reason
        )
    }
}

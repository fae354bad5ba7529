import Kafka
import Logging
import Store

/// Compares the stored offsets of partitions just assigned with the broker's logs, before they are
/// consumed. A stored offset past the log's end is refused: consuming would start again at the log's
/// start (`auto.offset.reset`), whose offsets the state already holds. One before the log's start is a
/// gap: the broker deleted those messages unread, and it is recorded at once, before any message after
/// it comes (there may be none for a long time). A partition whose log the broker does not tell in time
/// is consumed as it is.
struct StoredOffsetCheck {
    let consumer: KafkaConsumer
    /// The database's path, for the command the refusal names.
    let databasePath: String
    let logger: Logger

    /// What the check found.
    struct Outcome {
        var refused: Set<TopicPartition> = []
        var gaps: [OffsetGap] = []
    }

    func run(_ stored: [TopicPartition: Int64]) -> Outcome {
        var outcome = Outcome()
        for (partition, offset) in stored {
            let log: (low: Int64, high: Int64)
            do {
                log = try consumer.watermarks(partition, timeoutMilliseconds: 10_000)
            } catch {
                logger.warning("\(partition): its stored offset could not be checked against the broker's log: \(error)")
                continue
            }
            if offset > log.high {
                outcome.refused.insert(partition)
                let message =
                    "\(partition) is refused: its stored offset \(offset) lies past the end of the broker's log, which holds offsets \(log.low)..<\(log.high) "
                    + "(the topic was deleted and recreated, or the broker lost data). It is not consumed; the other partitions go on. To read "
                    + "the new log from its start, stop eddy, run `eddy offsets reset --db \(databasePath) --topic \(partition.topic) "
                    + "--partition \(partition.partition) --to \(log.low)` (it drops the partition's rows, which came from the old log), and start eddy"
                logger.error("\(message)")
            } else if offset < log.low {
                let gap = OffsetGap(topic: partition.topic, partition: partition.partition, from: offset, to: log.low)
                logger.warning("\(gap.warning)")
                outcome.gaps.append(gap)
            }
        }
        return outcome
    }
}

extension OffsetGap {
    /// The log line that tells the operator about the gap.
    var warning: String {
        "\(topic)[\(partition)]: offsets \(from)..<\(to) were deleted by the broker before Eddy read them (its retention ran ahead, or the topic was recreated): "
            + "\(to - from) messages are missing from the state; recorded in offset_gaps"
    }
}

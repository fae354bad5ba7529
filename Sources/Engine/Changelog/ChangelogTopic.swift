import Kafka
import Logging

/// The changelog topic's shape: one partition per source partition, never compacted.
enum ChangelogTopic {
    /// Not compacted: the restore rule needs every record of a line, and compaction could keep a torn
    /// or zombie record as the last of its key (docs/architecture.md). Bounded by time instead: segments
    /// roll every snapshot interval, so retention deletes what every partition's latest snapshot made
    /// useless.
    static func settings(_ changelog: ChangelogSettings) -> [String: String] {
        [
            "cleanup.policy": "delete",
            "retention.ms": "\(Int64(changelog.retention / .milliseconds(1)))",
            "segment.ms": "\(Int64(changelog.snapshotInterval / .milliseconds(1)))",
            // A failed message travels in its partition's change set with its exact bytes: as large as
            // the source topic allows (Kafka's 1 MB by default, often raised), plus the set's other rows.
            "max.message.bytes": "\(maxRecordBytes)",
        ]
    }

    /// The largest changelog record the relay produces and the topic Eddy creates takes.
    static let maxRecordBytes = 32 << 20

    /// Creates `topic` when it is missing, with as many partitions as the largest source topic.
    /// - Throws: ``ChangelogError`` when it has fewer partitions than a source topic, or is missing and
    ///   cannot be created, saying how to create it by hand; `KafkaError` when the cluster does not answer.
    static func ensure(_ changelog: ChangelogSettings, sources: [String], inspector: KafkaInspector, logger: Logger) throws {
        let topic = changelog.topic
        let settings = settings(changelog)
        let known = try inspector.topicPartitionCounts(timeoutMilliseconds: 10_000)
        let needed = sources.compactMap { known[$0] }.max() ?? 1
        let names = sources.joined(separator: ", ")
        if let partitions = known[topic] {
            guard partitions >= needed else {
                throw ChangelogError(
                    "the changelog topic \(topic) has \(partitions) partitions, fewer than the \(needed) of \(names): "
                        + "add partitions to it (kafka-topics.sh --alter --topic \(topic) --partitions \(needed))"
                )
            }
            return
        }
        do {
            try inspector.createTopic(topic, partitions: needed, settings: settings, timeoutMilliseconds: 10_000)
            logger.info("changelog topic created", metadata: ["topic": "\(topic)", "partitions": "\(needed)"])
        } catch {
            let config = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            throw ChangelogError(
                "the changelog topic \(topic) does not exist and could not be created (\(error.message)): create it with \(needed) "
                    + "partitions (as many as \(names)) and \(config), or run a single instance with --changelog-topic off"
            )
        }
    }
}

import CLibrdKafka

/// Messages polled by a ``KafkaConsumer``, owned until ``removeAll()`` or deinit hands them back to
/// librdkafka. Holding the messages (instead of copying them) keeps the hot path free of copies.
public final class KafkaMessageBatch {
    private var messages: [KafkaMessage] = []

    public init() {}

    public var count: Int { messages.count }
    public var isEmpty: Bool { messages.isEmpty }
    public subscript(index: Int) -> KafkaMessage { messages[index] }

    func append(_ message: KafkaMessage) {
        messages.append(message)
    }

    /// Iterates the messages without copying them.
    public func forEach(_ body: (KafkaMessage) throws -> Void) rethrows {
        for message in messages { try body(message) }
    }

    /// Returns every message to librdkafka; their buffers are invalid afterwards.
    public func removeAll() {
        for message in messages { rd_kafka_message_destroy(message.pointer) }
        messages.removeAll(keepingCapacity: true)
    }

    deinit {
        for message in messages { rd_kafka_message_destroy(message.pointer) }
    }
}

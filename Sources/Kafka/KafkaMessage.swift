import CLibrdKafka

/// A consumed message. Its `key` and `value` point into librdkafka's buffers and stay valid only
/// while the ``KafkaMessageBatch`` that holds it keeps its messages.
public struct KafkaMessage {
    let pointer: UnsafeMutablePointer<rd_kafka_message_t>
    public let topic: String

    public var partition: Int32 { pointer.pointee.partition }
    public var offset: Int64 { pointer.pointee.offset }

    /// The value's bytes; `nil` for a tombstone (a message with a null value).
    public var value: UnsafeRawBufferPointer? {
        pointer.pointee.payload.map { UnsafeRawBufferPointer(start: $0, count: pointer.pointee.len) }
    }

    /// The key's bytes; `nil` when the message has no key.
    public var key: UnsafeRawBufferPointer? {
        pointer.pointee.key.map { UnsafeRawBufferPointer(start: $0, count: pointer.pointee.key_len) }
    }

    /// The message headers in order; a header's value is `nil` when it is null.
    public var headers: [KafkaHeader] {
        var handle: OpaquePointer?
        guard rd_kafka_message_headers(pointer, &handle) == RD_KAFKA_RESP_ERR_NO_ERROR, let handle else { return [] }
        var result: [KafkaHeader] = []
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        var index = 0
        while rd_kafka_header_get_all(handle, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }
}

/// One message header.
public struct KafkaHeader: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]?

    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}

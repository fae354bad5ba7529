import CLibrdKafka

/// The headers of one message being produced: ``add(name:value:)`` copies each into librdkafka's list,
/// which the message takes when it is queued. It lives only during
/// ``KafkaProducer/produce(topic:partition:key:value:id:headers:)``, on the producing thread.
public struct KafkaHeaderList {
    private(set) var list: OpaquePointer?

    init() {}

    /// Adds a header; `nil` is a header without a value.
    public mutating func add(name: String, value: UnsafeRawBufferPointer?) {
        let list = self.list ?? rd_kafka_headers_new(4)!
        self.list = list
        _ = rd_kafka_header_add(list, name, -1, value?.baseAddress, value?.count ?? 0)
    }
}

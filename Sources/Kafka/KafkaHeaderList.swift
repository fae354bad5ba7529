import CLibrdKafka

/// The headers of one message being produced: ``add(name:value:)`` copies each into librdkafka's list,
/// which the message takes when it is queued.
///
/// A class so that the closure given to ``KafkaProducer/produce(topic:partition:key:value:id:headers:)``
/// can add to it; it lives only during that call, on the producing thread.
public final class KafkaHeaderList {
    private(set) var list: OpaquePointer?

    init() {}

    /// Adds a header; `nil` is a header without a value.
    public func add(name: String, value: UnsafeRawBufferPointer?) {
        let list = self.list ?? rd_kafka_headers_new(4)!
        self.list = list
        _ = rd_kafka_header_add(list, name, -1, value?.baseAddress, value?.count ?? 0)
    }
}

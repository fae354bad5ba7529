/// One consumed message as a workload sees it. `key` and `value` point into the consumer's buffers
/// and are valid only during the call they are passed to.
public struct IncomingMessage {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// `nil` when the message has no key.
    public var key: UnsafeRawBufferPointer?
    /// `nil` for a tombstone.
    public var value: UnsafeRawBufferPointer?

    public init(topic: String, partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
    }
}

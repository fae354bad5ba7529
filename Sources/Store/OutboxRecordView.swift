/// One outbox record as the relay reads it: its bytes are SQLite's, valid only while the closure given
/// to ``Outbox/forEachUnsent(_:afterID:limit:maxBytes:channels:_:)`` runs, so that publishing a record
/// copies it once, into the producer.
public struct OutboxRecordView {
    public let id: Int64
    public let sourceTopic: UnsafeRawBufferPointer
    public let sourcePartition: Int32
    public let sourceOffset: Int64
    public let key: UnsafeRawBufferPointer?
    public let value: UnsafeRawBufferPointer
    public let channel: OutboxRecord.Channel
    /// A changelog record's rows named by offset range, to read and append when it is sent
    /// (``RowRange/encode(_:)``); `nil` when it carries every row.
    public let rowRanges: UnsafeRawBufferPointer?
}

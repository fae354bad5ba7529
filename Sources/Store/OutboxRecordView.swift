/// One outbox record as the relay reads it: its bytes are SQLite's, valid only while the closure given
/// to ``Outbox/forEachUnsent(_:afterID:limit:channels:_:)`` runs, so that publishing a record
/// copies it once, into the producer.
public struct OutboxRecordView {
    public let id: Int64
    public let sourceTopic: UnsafeRawBufferPointer
    public let sourcePartition: Int32
    public let sourceOffset: Int64
    public let key: UnsafeRawBufferPointer?
    public let value: UnsafeRawBufferPointer
    public let channel: OutboxRecord.Channel
    /// The rows a record names by offset range (``RowRange/encode(_:)``), `nil` when it carries its
    /// bytes: a changelog record's stored events, appended when it is sent; an output row's records,
    /// encoded from them.
    public let rowRanges: UnsafeRawBufferPointer?
    /// How many messages the record stands for: more than one for an output row with ranges.
    public let records: Int
}

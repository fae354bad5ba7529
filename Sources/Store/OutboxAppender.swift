import GRDB

/// Appends outbox records inside the caller's transaction, each bound straight from memory: the hot
/// path of a workload that publishes every event.
public struct OutboxAppender {
    private let statement: BatchStatement
    private let now: Int64

    /// Prepares the insert on `db` (an open transaction); `now` (unix seconds) is every record's `created_at`.
    public init(_ db: Database, now: Int64) throws {
        statement = try BatchStatement(
            db,
            sql: "INSERT INTO outbox (source_topic, source_partition, source_offset, key, value, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        )
        self.now = now
    }

    /// Appends one record; its id is assigned in order.
    /// - Parameters:
    ///   - sourceTopic: the UTF-8 name of the topic the message came from.
    ///   - key: `nil` for a record without a key.
    public func append(
        sourceTopic: UnsafeRawBufferPointer,
        sourcePartition: Int32,
        sourceOffset: Int64,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer
    ) throws {
        statement.bind(text: sourceTopic, at: 1)
        statement.bind(Int64(sourcePartition), at: 2)
        statement.bind(sourceOffset, at: 3)
        statement.bind(blob: key, at: 4)
        statement.bind(blob: value, at: 5)
        statement.bind(now, at: 6)
        try statement.run()
    }
}

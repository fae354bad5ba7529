import Store

/// A batch's messages for the output topic, staged by the workload on the consumer thread and written to
/// the outbox by the engine in the batch's transaction, in runs of one source partition.
///
/// When the workload stores the row each message is made from in a partitioned table with an offset
/// column (`namedIn`), a run is ONE outbox row that names those rows by offset range instead of carrying
/// the bytes a second time: the relay sends the staged bytes from memory, or reads the rows back and has
/// the workload encode them (``Workload/outputRecords(_:topic:partition:named:)``) when it no longer has
/// them (docs/performance.md). Otherwise each message is an outbox row of its own, with its bytes.
///
/// A range holds consecutive offsets only, every one of them a message staged here: a message that
/// failed between two breaks it, so reading a range back never brings a row this batch did not write.
public struct StagedOutput: Sendable {
    struct Run: Sendable {
        var topic: String
        var partition: Int32
        /// Ascending, each of consecutive offsets.
        var ranges: [Range<Int64>]
        var records: OutputRecords

        /// Takes the message at `offset` into this run's ranges when it continues the run.
        /// - Returns: whether it did.
        mutating func extend(topic: String, partition: Int32, offset: Int64) -> Bool {
            guard self.partition == partition, records.count < StagedOutput.runRecords, self.topic == topic, let end = ranges.last?.upperBound,
                end <= offset
            else { return false }
            ranges.append(offset: offset)
            return true
        }
    }

    /// Where the rows the messages are made from are stored, or `nil` when they are not.
    public let namedIn: PartitionedTable?
    private(set) var runs: [Run] = []

    /// A run is cut past this many messages, so that one outbox row is acknowledged in reasonable time.
    /// (Cutting it at 48 KB as well, to keep its buffer below the 128 KB mmap threshold, faulted fewer
    /// pages in but held 4 MB more peak RSS for no measurable speed: docs/performance.md.)
    static let runRecords = 1_000

    /// - Parameter namedIn: the table the batch's transaction writes each message's row to, keyed by
    ///   its source offset (``PartitionedTable/offsetColumn``); `nil` when the messages carry their bytes.
    public init(namedIn: PartitionedTable?) {
        precondition(namedIn.map { $0.offsetColumn != nil } ?? true, "output named by range needs a table with an offset column")
        self.namedIn = namedIn
    }

    /// Adds the message made from the message at `topic`/`partition`/`offset`, keyed by `key` (`nil`: no
    /// key), whose value `writeValue` appends to the bytes it is given.
    public mutating func append(
        topic: String, partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?, value writeValue: (inout [UInt8]) -> Void
    ) {
        // The last run, changed in place: a copy of it would make each array it holds copy itself on write.
        if runs.isEmpty || !runs[runs.count - 1].extend(topic: topic, partition: partition, offset: offset) {
            runs.append(Run(topic: topic, partition: partition, ranges: [offset..<offset + 1], records: OutputRecords()))
        }
        runs[runs.count - 1].records.append(offset: offset, key: key, value: writeValue)
    }
}

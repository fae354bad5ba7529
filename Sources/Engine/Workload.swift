import GRDB
import Store

/// What Eddy computes from each message: stateless configuration that stages messages into a
/// ``Batch`` value on the consumer thread and applies that value inside the batch's transaction on the
/// commit thread. The batch travels between the threads; the workload is shared by them.
public protocol Workload: Sendable {
    /// The staged effects of one batch of messages.
    associatedtype Batch: Sendable

    /// An empty batch, with room for about `capacity` messages.
    func makeBatch(capacity: Int) -> Batch

    /// Decodes and validates `message` and adds its effect to `batch`.
    /// - Returns: `nil` when the message was staged, or why it cannot be processed (it then goes to
    ///   `failed_messages`, in the same transaction).
    func stage(_ message: IncomingMessage, into batch: inout Batch) -> WorkloadFailure?

    /// Writes `batch` into `db`: an open transaction that also stores the offsets. Throwing rolls the
    /// whole batch back.
    /// - Parameters:
    ///   - now: unix seconds.
    ///   - changes: when the changelog is on, where to record every row written to a table of
    ///     ``partitionedTables``, whole, as it now is; `nil` when it is off.
    func apply(_ batch: Batch, to db: Database, now: Int64, changes: PartitionChanges?) throws

    /// The messages `batch` publishes to the output topic, which the engine writes to the outbox in the
    /// batch's transaction after ``apply(_:to:now:changes:)``; `nil` when it publishes none.
    func output(of batch: Batch) -> StagedOutput?

    /// The rows ``apply(_:to:now:changes:)`` writes (inserts or upserts) per table of ``partitionedTables``
    /// for `batch`: `eddy_rows_written_total{table}` once the batch commits.
    func rowsWritten(by batch: Batch) -> [(table: String, rows: Int)]

    /// The output messages made from the rows `ranges` name in `topic`/`partition`, in offset order:
    /// what ``StagedOutput`` named instead of carrying, read back when the relay no longer holds the
    /// staged bytes (after a restart) or before the rows leave this database with their partition. They
    /// must be the bytes staging made.
    /// - Throws: when the rows cannot be read.
    func outputRecords(_ db: Database, topic: String, partition: Int32, named ranges: [RowRange]) throws -> OutputRecords

    /// Takes a source partition's share out of the rows it shares with other partitions (counts kept
    /// for every partition together), inside the caller's transaction, before the partition's own rows
    /// are deleted (`eddy offsets reset`).
    /// - Returns: what could not be taken out, for the operator; `nil` when all of it was.
    func forget(_ db: Database, topic: String, partition: Int32) throws -> String?

    /// How long the workload's tables keep their rows.
    var retentionRules: [RetentionRule] { get }

    /// The workload's tables whose every row belongs to one source partition: they move with their
    /// partition to another instance, through the changelog, and leave an instance that lost it.
    var partitionedTables: [PartitionedTable] { get }

    /// The migrations that create and change the workload's tables, in order; applied after the
    /// engine's by `Migrations.apply(to:workload:)`.
    var migrations: [Migration] { get }
}

extension Workload {
    public func output(of batch: Batch) -> StagedOutput? { nil }
    public func rowsWritten(by batch: Batch) -> [(table: String, rows: Int)] { [] }
    public func outputRecords(_ db: Database, topic: String, partition: Int32, named ranges: [RowRange]) throws -> OutputRecords {
        throw EngineError("an outbox row names output of \(topic)/\(partition) by range, which this workload does not stage")
    }
    public func forget(_ db: Database, topic: String, partition: Int32) throws -> String? { nil }
    public var retentionRules: [RetentionRule] { [] }
    public var migrations: [Migration] { [] }
    public var partitionedTables: [PartitionedTable] { [] }
}

/// Why a workload could not process a message.
public struct WorkloadFailure: Error, Sendable, Equatable {
    /// A short machine-readable kind stored in `failed_messages.error_class`: `malformed`, `invalid`, ...
    public var errorClass: String
    /// The rule that was broken, in words.
    public var reason: String
    /// The message may succeed later (a dependency that is down, a workload-defined condition): it is
    /// retried with backoff. A permanent failure is `dead` at once, until an operator reprocesses it.
    public var isTransient: Bool

    public init(errorClass: String, reason: String, isTransient: Bool = false) {
        self.errorClass = errorClass
        self.reason = reason
        self.isTransient = isTransient
    }
}

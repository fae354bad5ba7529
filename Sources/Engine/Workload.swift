import GRDB

/// What Eddy computes from each message. An instance holds one batch at a time: ``stage(_:)`` for
/// every message of the batch, then ``apply(_:now:)`` inside the batch's transaction.
///
/// The engine makes several instances and uses each from one thread at a time: the consumer thread
/// stages a batch into one instance while the commit thread applies the previous batch from another,
/// and the two trade instances when both are done. Instances must not share mutable state.
public protocol Workload: AnyObject {
    /// Decodes and validates `message` and adds its effect to the batch in hand.
    /// - Returns: `nil` when the message was staged, or why it cannot be processed (it then goes to
    ///   `failed_messages`, in the same transaction).
    func stage(_ message: IncomingMessage) -> WorkloadFailure?

    /// Writes the staged batch into `db` (an open transaction that also stores the offsets) and
    /// clears it. Throwing rolls the whole batch back.
    func apply(_ db: Database, now: Int64) throws

    /// Forgets the staged batch after its transaction failed.
    func discard()

    /// How long the workload's tables keep their rows.
    var retentionRules: [RetentionRule] { get }
}

extension Workload {
    public var retentionRules: [RetentionRule] { [] }
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

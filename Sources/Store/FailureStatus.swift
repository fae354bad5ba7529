/// The life of a `failed_messages` row.
public enum FailureStatus: String, Sendable, CaseIterable {
    /// A transient failure waiting for its next attempt at `next_attempt_at`.
    case retrying
    /// No attempt left, or a permanent failure: kept until an operator reprocesses it.
    case dead
    /// Reprocessed successfully: its effect is in the state.
    case resolved
}

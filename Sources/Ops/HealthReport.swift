/// The answer of one health check: whether it passes, and why in a few words.
public struct HealthReport: Sendable, Equatable {
    public var ok: Bool
    public var detail: String

    public init(ok: Bool, detail: String) {
        self.ok = ok
        self.detail = detail
    }
}

/// What `/healthz` and `/readyz` ask.
public protocol HealthSource: Sendable {
    /// Live while the processing loop makes progress; a wedged loop fails it (and gets the pod restarted).
    func liveness() -> HealthReport
    /// Ready to take traffic: migrated, the database writable, partitions assigned, the broker answering.
    func readiness() -> HealthReport
}

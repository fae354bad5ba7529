/// When a transient failure is tried again: exponential backoff with jitter, up to a number of attempts.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first one included; after the last failed attempt the row is `dead`.
    public var maxAttempts: Int
    /// The wait after the first attempt, in seconds; it doubles after each further attempt.
    public var initialBackoffSeconds: Int64
    /// The longest wait, in seconds.
    public var maxBackoffSeconds: Int64
    /// The share of a wait that is randomized, from 0 to 1 (0.2: ±20 %), so that retries spread out.
    public var jitter: Double

    public init(maxAttempts: Int = 5, initialBackoffSeconds: Int64 = 5, maxBackoffSeconds: Int64 = 600, jitter: Double = 0.2) {
        self.maxAttempts = maxAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.jitter = jitter
    }

    /// The wait before the attempt after attempt number `attempts` (1-based), without jitter.
    public func backoff(afterAttempt attempts: Int) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 62)
        let (scaled, overflow) = initialBackoffSeconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow ? maxBackoffSeconds : min(scaled, maxBackoffSeconds)
    }

    /// When to try again after attempt number `attempts` failed at `now`, or `nil` when no attempt is left.
    /// - Parameter unit: a random number in 0..<1 that places the jitter.
    public func nextAttempt(afterAttempt attempts: Int, now: Int64, unit: Double) -> Int64? {
        guard attempts < maxAttempts else { return nil }
        let base = Double(backoff(afterAttempt: attempts))
        let jittered = base * (1 - jitter + 2 * jitter * unit)
        return now + max(1, Int64(jittered.rounded()))
    }
}

import Synchronization

/// The time a graceful shutdown has: its clock starts at the first ``begin()`` (the signal), and each
/// service spends what is ``remaining`` of it draining its work.
public final class ShutdownDeadline: Sendable {
    /// The whole time allowed, from the signal to the exit.
    public let timeout: Duration
    private let started = Mutex<ContinuousClock.Instant?>(nil)

    /// 30 s: time to commit the last batch, publish what the outbox holds and close the consumer.
    public static let defaultTimeout = Duration.seconds(30)

    public init(timeout: Duration = defaultTimeout) {
        self.timeout = timeout
    }

    /// Starts the clock; later calls change nothing.
    public func begin() {
        started.withLock { $0 = $0 ?? .now }
    }

    /// What is left of the timeout: all of it before ``begin()``, never less than zero.
    public var remaining: Duration {
        guard let started = started.withLock({ $0 }) else { return timeout }
        return max(.zero, timeout - (ContinuousClock.now - started))
    }
}

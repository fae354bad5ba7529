import Synchronization

/// Writes that found another connection holding the database's write lock: an operator's open
/// `BEGIN IMMEDIATE` in the `sqlite3` shell, say. Once observed, such a write waits for the lock for
/// as long as it takes (``Store/write(_:)``) instead of failing and stopping Eddy; this says since
/// when, and tells the observer when the first write starts waiting and when the last one got the
/// lock, so that the log, `/readyz` and the metrics can say it too.
public final class LockWait: Sendable {
    private struct State {
        var waiting = 0
        var since: ContinuousClock.Instant?
        var observer: (@Sendable (_ since: ContinuousClock.Instant?) -> Void)?
    }

    private let state = Mutex(State())

    /// Since when a write has been waiting for the lock, or `nil` when none is.
    public var since: ContinuousClock.Instant? { state.withLock { $0.since } }

    /// Whether an observer watches: only then do writes wait for as long as it takes.
    var isObserved: Bool { state.withLock { $0.observer != nil } }

    /// Calls `observer` with the instant the first write started waiting, and with `nil` once the last
    /// one got the lock; on the writing thread.
    public func observe(_ observer: @escaping @Sendable (_ since: ContinuousClock.Instant?) -> Void) {
        state.withLock { $0.observer = observer }
    }

    func begin() {
        let (observer, since) = state.withLock { state -> ((@Sendable (ContinuousClock.Instant?) -> Void)?, ContinuousClock.Instant?) in
            state.waiting += 1
            guard state.waiting == 1 else { return (nil, nil) }
            state.since = .now
            return (state.observer, state.since)
        }
        observer?(since)
    }

    func end() {
        let observer = state.withLock { state -> (@Sendable (ContinuousClock.Instant?) -> Void)? in
            state.waiting -= 1
            guard state.waiting == 0 else { return nil }
            state.since = nil
            return state.observer
        }
        observer?(nil)
    }
}

import Foundation
import Synchronization

/// Writes held up by something outside Eddy that goes away by itself or by an operator's hand: another
/// connection holding the database's write lock (an open `BEGIN IMMEDIATE` in the `sqlite3` shell), or a
/// full disk. Once observed, such a write waits and retries for as long as it takes (``Store/write(_:)``)
/// instead of failing and stopping Eddy; this says since when, and tells the observer when the first
/// write starts waiting and when the last one went through, so that the log, `/readyz` and the metrics
/// can say it too.
public final class WriteWait: Sendable {
    private struct State {
        var waiting = 0
        var since: ContinuousClock.Instant?
        var observer: (@Sendable (_ since: ContinuousClock.Instant?) -> Void)?
        var relief: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    /// Marks the thread running the relief, whose own writes fail instead of waiting on themselves.
    private static let relievingKey = "eddy.write-wait.relieving"

    /// Since when a write has been waiting, or `nil` when none is.
    public var since: ContinuousClock.Instant? { state.withLock { $0.since } }

    /// Whether writes on this thread wait: an observer watches, and the thread is not running the relief.
    var waitsHere: Bool {
        state.withLock { $0.observer != nil } && Thread.current.threadDictionary[Self.relievingKey] == nil
    }

    /// Calls `observer` with the instant the first write started waiting, and with `nil` once the last
    /// one went through; on the writing thread.
    public func observe(_ observer: @escaping @Sendable (_ since: ContinuousClock.Instant?) -> Void) {
        state.withLock { $0.observer = observer }
    }

    /// Runs `relief` on a waiting writer's thread between its attempts: work that may end the wait (retention
    /// freeing space on a full disk). Its own writes fail rather than wait.
    public func relieve(with relief: @escaping @Sendable () -> Void) {
        state.withLock { $0.relief = relief }
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

    /// Runs the relief, if there is one, on this thread.
    func runRelief() {
        guard let relief = state.withLock({ $0.relief }) else { return }
        Thread.current.threadDictionary[Self.relievingKey] = true
        defer { Thread.current.threadDictionary[Self.relievingKey] = nil }
        relief()
    }
}

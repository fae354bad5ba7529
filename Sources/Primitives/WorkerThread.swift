import Foundation

/// A thread of its own that handles jobs handed over by other threads, one at a time, for blocking
/// work (SQLite transactions and checkpoints, librdkafka requests) that must stay off Swift
/// concurrency's cooperative pool.
///
/// At most one job waits while one runs. ``submit(_:)`` waits for room, so a producer of jobs can get
/// at most one ahead; ``request(_:)`` never waits and replaces a job that has not started yet, for work
/// where only the latest request counts. A worker exists only inside ``run(named:minimumInterval:handle:_:)``,
/// which stops and joins the thread when its body returns or throws: it cannot be leaked.
///
/// `@unchecked Sendable`: its mutable state (`queued`, `running`, `stopping`, `finished`) is only
/// touched with `condition` locked, and jobs are `Sendable`.
public final class WorkerThread<Job: Sendable>: @unchecked Sendable {
    private let handle: @Sendable (Job) -> Void
    private let minimumInterval: Duration
    private let condition = NSCondition()
    private var queued: Job?
    private var running = false
    private var stopping = false
    private var finished = false

    private init(minimumInterval: Duration, handle: @escaping @Sendable (Job) -> Void) {
        self.minimumInterval = minimumInterval
        self.handle = handle
    }

    /// Starts a thread named `name` that calls `handle` for each job, runs `body` with it, then lets the
    /// thread handle the job still queued, stops it and waits for it, also when `body` throws.
    /// - Parameters:
    ///   - name: the OS thread's name (`top -H`); Linux keeps 15 bytes.
    ///   - minimumInterval: the shortest time from the start of one job to the start of the next;
    ///     requests that come meanwhile are handled once, after it.
    public static func run<R>(
        named name: String,
        minimumInterval: Duration = .zero,
        handle: @escaping @Sendable (Job) -> Void,
        _ body: (WorkerThread) throws -> R
    ) rethrows -> R {
        let worker = WorkerThread(minimumInterval: minimumInterval, handle: handle)
        let thread = Thread {
            // Set from the thread itself: Foundation names the OS thread only then.
            Thread.current.name = name
            worker.loop()
        }
        thread.start()
        defer { worker.stop() }
        return try body(worker)
    }

    /// Hands `job` over, waiting while another job is queued: at most one waits while one runs.
    public func submit(_ job: Job) {
        condition.withLock {
            while queued != nil { condition.wait() }
            queued = job
            condition.broadcast()
        }
    }

    /// Hands `job` over without waiting; a job queued and not yet started is replaced.
    public func request(_ job: Job) {
        condition.withLock {
            queued = job
            condition.broadcast()
        }
    }

    /// Whether no job is queued or running.
    public var isIdle: Bool {
        condition.withLock { queued == nil && !running }
    }

    /// Waits until no job is queued or running.
    public func waitUntilIdle() {
        condition.withLock {
            while queued != nil || running { condition.wait() }
        }
    }

    private func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while !finished { condition.wait() }
        }
    }

    private func loop() {
        var lastStart: ContinuousClock.Instant?
        while let job = next(notBefore: lastStart.map { $0 + minimumInterval }) {
            lastStart = .now
            handle(job)
            condition.withLock {
                running = false
                condition.broadcast()
            }
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    /// The next job, once one is queued and `notBefore` has passed; `nil` once stopping with none queued.
    private func next(notBefore: ContinuousClock.Instant?) -> Job? {
        condition.withLock {
            while true {
                if queued == nil {
                    if stopping { return nil }
                    condition.wait()
                    continue
                }
                // A job waiting out the interval starts at once when stopping.
                if let notBefore, !stopping, ContinuousClock.now < notBefore {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: (notBefore - ContinuousClock.now) / .seconds(1)))
                    continue
                }
                defer { queued = nil }
                running = true
                condition.broadcast()
                return queued
            }
        }
    }
}

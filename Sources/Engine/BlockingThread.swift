import Foundation
import ServiceLifecycle

/// Runs blocking work (librdkafka polls, SQLite transactions) on a dedicated thread, so that it never
/// occupies a thread of Swift concurrency's cooperative pool.
public enum BlockingThread {
    /// Runs `body` on a new thread named `name` and waits for it without blocking the caller's thread.
    public static func run<T: Sendable>(named name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                // Set from the thread itself: Foundation names the OS thread (`top -H`, `/proc`) only then,
                // and Linux refuses names over 15 bytes.
                Thread.current.name = name
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// Runs `body` on a new thread until it returns; graceful shutdown or cancellation of the calling
    /// task sets the flag `body` watches, so it can finish its work in hand and return.
    static func runUntilShutdown(named name: String, _ body: @escaping @Sendable (StopFlag) throws -> Void) async throws {
        let stop = StopFlag()
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await run(named: name) { try body(stop) }
            } onCancel: {
                stop.set()
            }
        } onGracefulShutdown: {
            stop.set()
        }
    }
}

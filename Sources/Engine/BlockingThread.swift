import Foundation

/// Runs blocking work (librdkafka polls, SQLite transactions) on a dedicated thread, so that it never
/// occupies a thread of Swift concurrency's cooperative pool.
public enum BlockingThread {
    /// Runs `body` on a new thread named `name` and waits for it without blocking the caller's thread.
    public static func run<T: Sendable>(named name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = name
            thread.start()
        }
    }
}

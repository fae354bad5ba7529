import Foundation
import Logging
import Store

extension EngineStats {
    /// Watches the writes to `store` held up from outside: by another connection holding the write lock
    /// (an operator's open transaction in `sqlite3`), or by a full disk. From then on they wait and retry
    /// for as long as it takes instead of failing; each wait is logged when it starts and when it ends,
    /// and recorded here for `/readyz` and the metrics.
    /// - Parameter relief: run between the attempts of a write waiting for disk space (retention, which
    ///   frees some); `nil` for none.
    public func watchWriteWaits(of store: Store, logger: Logger, relief: (@Sendable () -> Void)? = nil) {
        let path = store.path
        watch(
            store.lockWait, .lock, logger: logger, level: .warning,
            started: "another connection holds the write lock of \(path) (an open transaction in sqlite3?): writes wait for it, and nothing moves on until it is released",
            ended: { "the write lock of \(path) was released after \($0) s of waiting; resuming" }
        )
        watch(
            store.fullDisk, .fullDisk, logger: logger, level: .error,
            started: "the database \(path) cannot grow: its disk is full, or it reached --max-database-size. Consuming waits, the write is retried every second and retention runs to make room; free disk space (or grow the volume, or raise the limit) and Eddy resumes by itself",
            ended: { "the database \(path) took writes again after \($0) s; resuming" }
        )
        if let relief { store.fullDisk.relieve(with: relief) }
    }

    /// Records one kind of wait and logs `started` when it starts, `ended` (given the seconds waited) when it ends.
    private func watch(
        _ wait: WriteWait, _ reason: WriteWaitReason, logger: Logger, level: Logger.Level, started: String,
        ended: @escaping @Sendable (String) -> String
    ) {
        wait.observe { [self] since in
            let waited = recordWait(reason, since: since)
            if since != nil {
                logger.log(level: level, "\(started)")
            } else if let waited {
                logger.info("\(ended(Self.seconds(waited)))")
            }
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

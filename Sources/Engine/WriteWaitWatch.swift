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
        store.lockWait.observe { [self] since in
            let waited = recordWait(.lock, since: since)
            if since != nil {
                logger.warning(
                    "another connection holds the write lock of \(path) (an open transaction in sqlite3?): writes wait for it, and nothing moves on until it is released"
                )
            } else if let waited {
                logger.info("the write lock of \(path) was released after \(Self.seconds(waited)) s of waiting; resuming")
            }
        }
        store.fullDisk.observe { [self] since in
            let waited = recordWait(.fullDisk, since: since)
            if since != nil {
                logger.error(
                    "the database \(path) cannot grow: its disk is full, or it reached --max-database-size. Consuming waits, the write is retried every second and retention runs to make room; free disk space (or grow the volume, or raise the limit) and Eddy resumes by itself"
                )
            } else if let waited {
                logger.info("the database \(path) took writes again after \(Self.seconds(waited)) s; resuming")
            }
        }
        if let relief { store.fullDisk.relieve(with: relief) }
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

import Foundation
import Logging
import Store

extension EngineStats {
    /// Watches the writes to `store` that find another connection holding the write lock (an operator's
    /// open transaction in `sqlite3`): from then on they wait for it for as long as it takes instead of
    /// failing; the wait is logged when it starts and when it ends, and recorded here for `/readyz` and
    /// the metrics.
    public func watchLockWaits(of store: Store, logger: Logger) {
        store.lockWait.observe { [self, path = store.path] since in
            let waited = recordLockWait(since: since)
            if since != nil {
                logger.warning(
                    "another connection holds the write lock of \(path) (an open transaction in sqlite3?): writes wait for it, and nothing moves on until it is released"
                )
            } else if let waited {
                let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
                logger.info("the write lock of \(path) was released after \(String(format: "%.1f", seconds)) s of waiting; resuming")
            }
        }
    }
}

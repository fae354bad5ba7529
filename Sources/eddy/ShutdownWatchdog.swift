import Engine
import Foundation
import Logging
import ServiceLifecycle

/// Starts the shutdown clock when a graceful shutdown begins and ends the process if the shutdown is
/// still not done when the deadline passes (a call into librdkafka that waits on a broker that is gone).
/// The database is consistent at any instant, so exiting then loses nothing: what was not committed is
/// consumed again at the next start. Listed last in the service group, it hears the signal first.
struct ShutdownWatchdog: Service {
    let deadline: ShutdownDeadline
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the group is already ending
        }
        deadline.begin()
        let (deadline, logger) = (deadline, logger)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: Double(deadline.timeout / .milliseconds(1)) / 1_000)
            logger.error("shutdown did not finish within --shutdown-timeout \(deadline.timeout.components.seconds)s; exiting. The database is consistent: what was not committed is consumed again at the next start")
            exit(1)
        }
    }
}

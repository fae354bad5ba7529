import Foundation
import Logging
import ServiceLifecycle
import Store

/// The consumer loop as a swift-service-lifecycle `Service`: it runs the loop on a dedicated thread
/// (off Swift concurrency's cooperative pool) and, on graceful shutdown or cancellation, lets it
/// commit the batch in hand and close the consumer before returning.
public struct ConsumerService<W: Workload>: Service {
    private let configuration: EngineConfiguration
    private let store: Store
    private let stats: EngineStats
    private let logger: Logger
    private let workload: W
    private let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - workload: what to compute; shared by the consumer and commit threads.
    ///   - now: unix seconds, injectable for tests.
    public init(
        configuration: EngineConfiguration,
        store: Store,
        stats: EngineStats = EngineStats(),
        logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        workload: W
    ) {
        self.configuration = configuration
        self.store = store
        self.stats = stats
        self.logger = logger
        self.now = now
        self.workload = workload
    }

    /// One retention step, run while a write waits for space on a full disk: expired rows go and their
    /// pages go back to the file system, when the disk still has room for the step's own transaction (a
    /// disk with no byte left has none: then only the operator frees space). A batch waiting to commit
    /// may write into a window this step deleted; the next regular step deletes those rows again.
    private var retentionStep: @Sendable () -> Void {
        { [store, logger, now, rules = workload.retentionRules + configuration.retention.engineRules, settings = configuration.retention] in
            do {
                let removed = try Pruner(store: store, rules: rules, settings: settings, now: now).step().removed
                if !removed.isEmpty { logger.info("retention freed space on the full disk", metadata: ["removed": "\(removed)"]) }
            } catch {
                logger.debug("retention could not run on the full disk: \(error)")
            }
        }
    }

    public func run() async throws {
        stats.registerTables(
            written: workload.rowsWritten(by: workload.makeBatch(capacity: 0)).map(\.table),
            pruned: (workload.retentionRules + configuration.retention.engineRules).map(\.name)
        )
        stats.watchWriteWaits(of: store, logger: logger, relief: retentionStep)
        let loop = ConsumerLoop(configuration: configuration, store: store, workload: workload, stats: stats, logger: logger, now: now)
        try await BlockingThread.runUntilShutdown(named: "eddy-consumer") { stop in try loop.run(until: stop) }
    }
}

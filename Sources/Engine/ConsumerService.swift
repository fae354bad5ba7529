import Foundation
import Logging
import ServiceLifecycle
import Store

/// The consumer loop as a swift-service-lifecycle `Service`: it runs the loop on a dedicated thread
/// (off Swift concurrency's cooperative pool) and, on graceful shutdown or cancellation, lets it
/// commit the batch in hand and leave the group before returning.
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

    public func run() async throws {
        stats.watchLockWaits(of: store, logger: logger)
        let loop = ConsumerLoop(configuration: configuration, store: store, workload: workload, stats: stats, logger: logger, now: now)
        try await BlockingThread.runUntilShutdown(named: "eddy-consumer") { stop in try loop.run(until: stop) }
    }
}

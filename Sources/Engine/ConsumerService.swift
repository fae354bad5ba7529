import Foundation
import Logging
import ServiceLifecycle
import Store

/// The consumer loop as a swift-service-lifecycle `Service`: it runs the loop on a dedicated thread
/// (off Swift concurrency's cooperative pool) and, on graceful shutdown or cancellation, lets it
/// commit the batch in hand and leave the group before returning.
public struct ConsumerService: Service {
    private let configuration: EngineConfiguration
    private let store: Store
    private let stats: EngineStats
    private let logger: Logger
    private let makeWorkload: @Sendable () -> any Workload
    private let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - makeWorkload: builds a workload instance; the engine makes three on the consumer thread: two
    ///     that take turns staging and committing batches, and one that reruns failed messages.
    ///   - now: unix seconds, injectable for tests.
    public init(
        configuration: EngineConfiguration,
        store: Store,
        stats: EngineStats = EngineStats(),
        logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        makeWorkload: @escaping @Sendable () -> any Workload
    ) {
        self.configuration = configuration
        self.store = store
        self.stats = stats
        self.logger = logger
        self.now = now
        self.makeWorkload = makeWorkload
    }

    public func run() async throws {
        let (configuration, store, stats, logger, now, makeWorkload) = (
            configuration, store, stats, logger, now, makeWorkload
        )
        try await BlockingThread.runUntilShutdown(named: "eddy-consumer") { stop in
            let loop = ConsumerLoop(
                configuration: configuration,
                store: store,
                makeWorkload: makeWorkload,
                stats: stats,
                logger: logger,
                stop: stop,
                now: now
            )
            try loop.run()
        }
    }
}

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
    ///   - makeWorkload: builds the workload on the consumer thread, which then owns it.
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
        let stop = StopFlag()
        let (configuration, store, stats, logger, now, makeWorkload) = (
            configuration, store, stats, logger, now, makeWorkload
        )
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await BlockingThread.run(named: "eddy-consumer") {
                    let loop = ConsumerLoop(
                        configuration: configuration,
                        store: store,
                        workload: makeWorkload(),
                        stats: stats,
                        logger: logger,
                        stop: stop,
                        now: now
                    )
                    try loop.run()
                }
            } onCancel: {
                stop.set()
            }
        } onGracefulShutdown: {
            stop.set()
        }
    }
}

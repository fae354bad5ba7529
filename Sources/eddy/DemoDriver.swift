import Engine
import Foundation
import Kafka
import ServiceLifecycle
import Store
import Synchronization

/// Produces the demo's events on a thread of its own while it reports progress, and finishes once
/// the processor has committed every event (the demo's service group then shuts down gracefully).
final class DemoDriver: Service, Sendable {
    struct Result {
        var produced = 0
        var processingSeconds = 0.0
    }

    private let generator: GeneratorRun
    private let producer: KafkaProducer
    private let stats: EngineStats
    private let store: Store
    private let produced = Atomic<Int>(0)
    private let outcome = Mutex(Result())

    init(generator: GeneratorRun, producer: KafkaProducer, stats: EngineStats, store: Store) {
        self.generator = generator
        self.producer = producer
        self.stats = stats
        self.store = store
    }

    /// What the demo produced and how long processing took, once ``run()`` returned.
    var result: Result { outcome.withLock { $0 } }

    func run() async throws {
        async let production = BlockingThread.run(named: "eddy-demo-producer") { [self] in
            try generator.run(producer: producer) { self.produced.store($0, ordering: .relaxed) }
        }
        var progress = ProgressLine()
        var firstBatch: ContinuousClock.Instant?
        var pending = 1
        while stats.consumed < generator.count || pending > 0 {
            if stats.consumed >= generator.count { pending = try store.read { try Outbox.pendingCount($0) } }
            try await Task.sleep(for: .milliseconds(250))
            if firstBatch == nil, stats.consumed > 0 { firstBatch = .now }
            let seconds = firstBatch.map { (ContinuousClock.now - $0) / .seconds(1) } ?? 0
            let rate = seconds > 0 ? Int(Double(stats.consumed) / seconds) : 0
            progress.update(
                "produced \(produced.load(ordering: .relaxed)) / \(generator.count) · processed \(stats.consumed) "
                    + "(\(stats.failed) failed) · \(rate) events/s · published \(stats.published) · \(stats.assignedPartitions) partitions"
            )
        }
        progress.finish()
        let summary = try await production
        let seconds = firstBatch.map { (ContinuousClock.now - $0) / .seconds(1) } ?? 0
        outcome.withLock { $0 = Result(produced: summary.produced, processingSeconds: seconds) }
    }
}

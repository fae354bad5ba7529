import Foundation
import Kafka
import Generators

/// Produces synthetic events to a topic at a bounded rate; shared by `eddy produce` and `eddy demo`.
struct GeneratorRun {
    var stream = StreamKind.userLogin
    var topic: String
    var count: Int
    /// Events per second; 0 means as fast as the broker takes them.
    var rate: Int
    var seed: UInt64
    var badShare: Double
    var baseTime: Int64 = Int64(Date().timeIntervalSince1970)
    /// Event timestamps follow the clock (the 10 minutes before each thousand events is made) instead of
    /// the 10 minutes before `baseTime`: for long runs with retention.
    var liveTimestamps = false

    /// What was produced.
    struct Summary {
        var produced = 0
        var bad = 0
        var seconds = 0.0
    }

    /// Produces every event, then waits for their delivery.
    /// - Parameter progress: called now and then with the number produced so far.
    /// - Throws: `KafkaError` when the broker refuses messages or does not acknowledge them in time.
    func run(producer: KafkaProducer, progress: (Int) -> Void = { _ in }) throws -> Summary {
        var generator: any SyntheticStream =
            switch stream {
            case .userLogin: LoginEventGenerator(seed: seed, badShare: badShare, baseTime: baseTime)
            case .orders: OrderEventGenerator(seed: seed, badShare: badShare, baseTime: baseTime)
            }
        var summary = Summary()
        let start = ContinuousClock.now
        for index in 0..<count {
            let message = generator.nextRecord()
            try producer.produce(topic: topic, key: message.key, value: message.value)
            summary.produced += 1
            if !message.isValid { summary.bad += 1 }
            if index % 1000 == 999 {
                producer.poll()
                progress(summary.produced)
                if rate > 0 { pace(start: start, produced: summary.produced) }
                if liveTimestamps { generator.baseTime = Int64(Date().timeIntervalSince1970) }
            }
        }
        try producer.flush(timeoutMilliseconds: 60_000)
        progress(summary.produced)
        let elapsed = ContinuousClock.now - start
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Sleeps until `produced` events are due at `rate` per second.
    private func pace(start: ContinuousClock.Instant, produced: Int) {
        let due = start.advanced(by: .seconds(Double(produced) / Double(rate)))
        let now = ContinuousClock.now
        if due > now { Thread.sleep(forTimeInterval: Double((due - now) / .milliseconds(1)) / 1000) }
    }
}

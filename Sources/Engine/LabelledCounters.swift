import Metrics
import Synchronization

/// One counter per value of a label (`eddy_rows_pruned_total{table="login_events"}`), made the first
/// time the value is seen, or ahead with ``register(_:)`` so that the series exists at 0 from the start.
final class LabelledCounters: Sendable {
    private let label: String
    private let dimension: String
    private let counters = Mutex<[String: Metrics.Counter]>([:])

    init(label: String, dimension: String) {
        self.label = label
        self.dimension = dimension
    }

    func increment(_ value: String, by count: Int) {
        counters.withLock { counters in
            if counters[value] == nil { counters[value] = Metrics.Counter(label: label, dimensions: [(dimension, value)]) }
            counters[value]!.increment(by: count)
        }
    }

    /// Makes the counters of `values` now, at 0.
    func register(_ values: [String]) {
        for value in values { increment(value, by: 0) }
    }
}

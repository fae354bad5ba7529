import Kafka
import Synchronization

/// Counts messages the broker did not acknowledge, so that the generator never reports success for
/// events that were lost.
final class DeliveryTally: Sendable {
    private let failures = Mutex<(count: Int, first: KafkaError?)>((0, nil))

    /// The producer's delivery handler.
    var handler: @Sendable (UInt64, KafkaError?) -> Void {
        { [self] _, error in
            guard let error else { return }
            failures.withLock { state in
                state.count += 1
                if state.first == nil { state.first = error }
            }
        }
    }

    /// Throws when any message was not delivered, saying how many and why the first one failed.
    func check(produced: Int) throws {
        let (count, first) = failures.withLock { $0 }
        guard count > 0 else { return }
        throw CommandError("\(count) of \(produced) events were not delivered; the first failed with: \(first.map(\.message) ?? "unknown error")")
    }
}

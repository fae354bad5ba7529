import Kafka
import Synchronization

/// The relay's records between produce and settle: delivery reports arrive on the thread that polls the
/// producer, through librdkafka's callback, and wait here until the relay marks them in the database.
/// Changelog records are counted apart, with their bytes: a change set is up to 256 KB, so the number
/// of records in flight alone would let a slow broker hold hundreds of megabytes in the producer.
final class RelayAcknowledgements: Sendable {
    /// A delivery report: the record's outbox id, its error, whether it went to the changelog.
    struct Report {
        var id: UInt64
        var error: KafkaError?
        var isChangelog: Bool
    }

    private struct State {
        var pending: [Report] = []
        var produced = 0
        var acknowledged = 0
        /// The bytes of each changelog record produced and not yet acknowledged, by id.
        var changelogSizes: [UInt64: Int] = [:]
        var changelogBytes = 0
    }

    private let state = Mutex(State())

    /// Records produced and not yet acknowledged.
    var inFlight: Int { state.withLock { $0.produced - $0.acknowledged } }
    /// Bytes of changelog records produced and not yet acknowledged.
    var changelogBytesInFlight: Int { state.withLock { $0.changelogBytes } }
    /// Delivery reports waiting to be settled.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Counts a record handed to the producer; `changelogBytes` is its size when it goes to the changelog.
    func produced(id: UInt64, changelogBytes: Int?) {
        state.withLock {
            $0.produced += 1
            if let changelogBytes {
                $0.changelogSizes[id] = changelogBytes
                $0.changelogBytes += changelogBytes
            }
        }
    }

    /// The producer's delivery report for record `id`.
    @Sendable func report(id: UInt64, error: KafkaError?) {
        state.withLock {
            $0.acknowledged += 1
            let size = $0.changelogSizes.removeValue(forKey: id)
            $0.changelogBytes -= size ?? 0
            $0.pending.append(Report(id: id, error: error, isChangelog: size != nil))
        }
    }

    /// The reports received since the last call.
    func take() -> [Report] {
        state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }
}

import Kafka
import Store
import Synchronization

/// The relay's records between produce and settle: delivery reports arrive on the thread that polls the
/// producer, through librdkafka's callback, and wait here until the relay settles them.
///
/// Per channel it keeps the ids produced, in order, so that it can tell how far every record was
/// acknowledged: the watermark the outbox keeps instead of marking each row. An output row that names
/// its messages by range is produced as several messages under its id: it is reported once all of them
/// are, with the first error among them. Changelog records are
/// also counted by their bytes: a change set is up to 256 KB, so the number of records in flight alone
/// would let a slow broker hold hundreds of megabytes in the producer.
final class RelayAcknowledgements: Sendable {
    /// A delivery report: the record's outbox id, its error, whether it went to the changelog, how many
    /// messages it stood for.
    struct Report {
        var id: UInt64
        var error: KafkaError?
        var isChangelog: Bool
        var messages: Int
    }

    /// The messages of a record produced as more than one, until the last is reported.
    private struct Parts {
        var remaining: Int
        var messages: Int
        var error: KafkaError?
    }

    private struct State {
        var pending: [Report] = []
        var produced = 0
        var acknowledged = 0
        /// The bytes of each changelog record produced and not yet acknowledged, by id.
        var changelogSizes: [UInt64: Int] = [:]
        var changelogBytes = 0
        /// Per channel, the ids produced and not yet passed by its watermark, in increasing order.
        var unsettled: [OutboxRecord.Channel: ProducedIDs] = [:]
        /// Ids acknowledged without error and not yet passed by their channel's watermark.
        var delivered: Set<UInt64> = []
        /// Records of several messages not all reported yet, by id.
        var parts: [UInt64: Parts] = [:]
    }

    private let state = Mutex(State())

    /// Messages produced and not yet acknowledged.
    var inFlight: Int { state.withLock { $0.produced - $0.acknowledged } }
    /// Bytes of changelog records produced and not yet acknowledged.
    var changelogBytesInFlight: Int { state.withLock { $0.changelogBytes } }
    /// Delivery reports waiting to be settled.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Counts a record of `messages` messages and `bytes` handed to the producer under `id`; ids must
    /// increase, except after ``rewind(from:)``. A record of no messages (its rows are gone) is
    /// delivered at once.
    func produced(id: UInt64, channel: OutboxRecord.Channel, messages: Int, bytes: Int) {
        state.withLock {
            $0.produced += messages
            $0.unsettled[channel, default: ProducedIDs()].append(id)
            if channel == .changelog {
                $0.changelogSizes[id] = bytes
                $0.changelogBytes += bytes
            }
            if messages == 0 {
                $0.delivered.insert(id)
                $0.pending.append(Report(id: id, error: nil, isChangelog: false, messages: 0))
            } else if messages > 1 || $0.parts[id] != nil {
                $0.parts[id, default: Parts(remaining: 0, messages: messages)].remaining += messages
            }
        }
    }

    /// The producer's delivery report for one message of record `id`.
    @Sendable func report(id: UInt64, error: KafkaError?) {
        state.withLock {
            $0.acknowledged += 1
            var error = error
            var messages = 1
            if var parts = $0.parts[id] {
                parts.remaining -= 1
                parts.error = parts.error ?? error
                guard parts.remaining == 0 else {
                    $0.parts[id] = parts
                    return
                }
                $0.parts[id] = nil
                error = parts.error
                messages = parts.messages
            }
            let size = $0.changelogSizes.removeValue(forKey: id)
            $0.changelogBytes -= size ?? 0
            if error == nil { $0.delivered.insert(id) }
            $0.pending.append(Report(id: id, error: error, isChangelog: size != nil, messages: messages))
        }
    }

    /// The reports received since the last call.
    func take() -> [Report] {
        state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }

    /// Forgets the records from `id` on, in every channel: the relay reads them again (one of them
    /// failed) and produces them anew.
    func rewind(from id: UInt64) {
        state.withLock {
            for channel in $0.unsettled.keys { $0.unsettled[channel]!.removeAll(from: id) }
        }
    }

    /// Moves each channel's watermark past the records delivered without a gap since the last call.
    /// - Returns: the new watermark of each channel that moved.
    func advance() -> [OutboxRecord.Channel: Int64] {
        state.withLock { state in
            var moved: [OutboxRecord.Channel: Int64] = [:]
            for channel in state.unsettled.keys {
                if let through = state.unsettled[channel]!.popDelivered(&state.delivered) { moved[channel] = Int64(through) }
            }
            // Deliveries of records forgotten by a rewind and never produced again (their rows were
            // deleted meanwhile) would stay: drop those that every channel's next id has passed.
            if state.delivered.count > 1_024, let oldest = state.unsettled.values.compactMap(\.first).min() {
                state.delivered = state.delivered.filter { $0 >= oldest }
            }
            return moved
        }
    }
}

/// Ids produced in one channel, in increasing order, from the oldest not yet passed by its watermark.
struct ProducedIDs {
    private var ids: [UInt64] = []
    private var head = 0

    /// The oldest id not yet passed by the watermark.
    var first: UInt64? { head < ids.count ? ids[head] : nil }

    mutating func append(_ id: UInt64) {
        ids.append(id)
    }

    /// Drops the ids from `id` on.
    mutating func removeAll(from id: UInt64) {
        while ids.count > head, ids[ids.count - 1] >= id { ids.removeLast() }
    }

    /// Removes the leading ids found in `delivered` (from it too).
    /// - Returns: the last of them, or `nil` when the first id is still waiting.
    mutating func popDelivered(_ delivered: inout Set<UInt64>) -> UInt64? {
        var last: UInt64?
        while head < ids.count, delivered.remove(ids[head]) != nil {
            last = ids[head]
            head += 1
        }
        if head > 4_096, head * 2 > ids.count {
            ids.removeFirst(head)
            head = 0
        }
        return last
    }
}

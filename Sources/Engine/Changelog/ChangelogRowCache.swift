import NIOConcurrencyHelpers

/// The rows that the changelog records just committed name by offset range, as staging encoded them,
/// kept for the relay: in the steady state it sends them from memory, and reads them back from their
/// table only when they are not here (after a restart, after a failed send, or when it fell behind and
/// this cache was full). The outbox's ranges stay the durable record (docs/performance.md).
public final class ChangelogRowCache: Sendable {
    /// The rows one outbox record names, by its id.
    typealias Entry = (id: Int64, rows: [[UInt8]])

    private struct State {
        /// By outbox id, ascending.
        var entries: [Entry] = []
        var bytes = 0
    }

    private let state = NIOLockedValueBox(State())
    private let capacityBytes: Int

    /// - Parameter capacityBytes: past this, rows are not kept (the relay reads them back).
    public init(capacityBytes: Int = 4 << 20) {
        self.capacityBytes = capacityBytes
    }

    /// Keeps the rows of outbox records that were just committed, ids ascending, as many as fit.
    func add(_ entries: [Entry]) {
        state.withLockedValue { state in
            for entry in entries {
                let bytes = Self.size(entry)
                guard state.bytes + bytes <= capacityBytes else { return }
                state.entries.append(entry)
                state.bytes += bytes
            }
        }
    }

    /// The rows of outbox record `id`, once; forgets those of every record before it, which the relay
    /// passed.
    func take(_ id: Int64) -> [[UInt8]]? {
        state.withLockedValue { state in
            let passed = state.entries.prefix { $0.id < id }.count
            let found = state.entries.dropFirst(passed).first.flatMap { $0.id == id ? $0 : nil }
            let removed = passed + (found == nil ? 0 : 1)
            state.bytes -= state.entries.prefix(removed).reduce(0) { $0 + Self.size($1) }
            state.entries.removeFirst(removed)
            return found?.rows
        }
    }

    private static func size(_ entry: Entry) -> Int {
        entry.rows.reduce(0) { $0 + $1.count }
    }

    /// How many bytes of rows it holds.
    var byteCount: Int {
        state.withLockedValue { $0.bytes }
    }
}

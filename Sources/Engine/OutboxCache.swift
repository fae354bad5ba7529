import NIOConcurrencyHelpers

/// What the outbox records just committed name instead of carrying, kept for the relay by record id:
/// a changelog record's stored events (``ChangelogRowCache``), an output row's encoded messages
/// (``OutputRecordCache``). In the steady state the relay sends them from memory, and reads the rows back
/// only when they are not here (after a restart, after a failed send, or when it fell behind and this
/// cache was full). The outbox's ranges stay the durable record (docs/performance.md).
///
/// The commit thread holds the entries inside the transaction and commits or rolls them back with it,
/// so that a relay that reads the rows the instant they are committed finds them here, rather than
/// reading a whole batch back.
public final class OutboxCache<Rows: Sendable>: Sendable {
    /// The rows one outbox record names, by its id.
    typealias Entry = (id: Int64, rows: Rows)

    /// What ``take(_:)`` found.
    enum Taken {
        case rows(Rows)
        /// Not kept: read the rows back.
        case absent
        /// Held by a transaction that has not committed yet: ask again.
        case uncommitted
    }

    private struct State {
        /// By outbox id, ascending.
        var entries: [Entry] = []
        var bytes = 0
        /// The first id of the entries held by the transaction in progress.
        var uncommittedFrom: Int64?
    }

    private let state = NIOLockedValueBox(State())
    private let capacityBytes: Int
    private let size: @Sendable (Rows) -> Int

    /// - Parameters:
    ///   - capacityBytes: past this, rows are not kept (the relay reads them back).
    ///   - size: the bytes an entry's rows hold.
    init(capacityBytes: Int, size: @escaping @Sendable (Rows) -> Int) {
        self.capacityBytes = capacityBytes
        self.size = size
    }

    /// Keeps the rows of outbox records that the transaction in progress wrote, ids ascending, as many as
    /// fit; ``commit()`` or ``rollBack()`` follows.
    func hold(_ entries: [Entry]) {
        state.withLockedValue { state in
            for entry in entries {
                let bytes = size(entry.rows)
                guard state.bytes + bytes <= capacityBytes else { return }
                state.uncommittedFrom = state.uncommittedFrom ?? entry.id
                state.entries.append(entry)
                state.bytes += bytes
            }
        }
    }

    /// The transaction that wrote the held entries committed.
    func commit() {
        state.withLockedValue { $0.uncommittedFrom = nil }
    }

    /// The transaction that wrote the held entries rolled back: their ids may be given to other records.
    func rollBack() {
        state.withLockedValue { state in
            guard let from = state.uncommittedFrom else { return }
            while let last = state.entries.last, last.id >= from {
                state.bytes -= size(last.rows)
                state.entries.removeLast()
            }
            state.uncommittedFrom = nil
        }
    }

    /// The rows of outbox record `id`, once; forgets those of every record before it, which the relay
    /// passed.
    func take(_ id: Int64) -> Taken {
        state.withLockedValue { state in
            if let from = state.uncommittedFrom, id >= from { return .uncommitted }
            let passed = state.entries.prefix { $0.id < id }.count
            let found = state.entries.dropFirst(passed).first.flatMap { $0.id == id ? $0 : nil }
            let removed = passed + (found == nil ? 0 : 1)
            state.bytes -= state.entries.prefix(removed).reduce(0) { $0 + size($1.rows) }
            state.entries.removeFirst(removed)
            return found.map { .rows($0.rows) } ?? .absent
        }
    }

    /// How many bytes of rows it holds.
    var byteCount: Int {
        state.withLockedValue { $0.bytes }
    }
}

/// The stored events that committed changelog records name by offset range, as staging encoded them.
public typealias ChangelogRowCache = OutboxCache<[[UInt8]]>

/// The messages that committed output rows name by offset range, as staging encoded them.
public typealias OutputRecordCache = OutboxCache<OutputRecords>

extension OutboxCache where Rows == [[UInt8]] {
    /// - Parameter capacityBytes: past this, rows are not kept (the relay reads them back).
    public convenience init(capacityBytes: Int = 4 << 20) {
        self.init(capacityBytes: capacityBytes) { $0.reduce(0) { $0 + $1.count } }
    }
}

extension OutboxCache where Rows == OutputRecords {
    /// - Parameter capacityBytes: past this, messages are not kept (the relay reads their rows back).
    public convenience init(capacityBytes: Int = 4 << 20) {
        self.init(capacityBytes: capacityBytes) { $0.byteCount }
    }
}

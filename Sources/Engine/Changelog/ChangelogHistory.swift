/// The restore rule: which state of a source partition its changelog records describe.
///
/// The log can hold records that must not count: the chunks of a change set whose owner died before
/// writing the rest (a torn set), records sent twice (a relay that restarted), and records of a
/// stalled owner that woke up after another instance claimed the partition (a zombie). The rule:
///
/// 1. The winning line is the one with the highest epoch; between lines of one epoch (two owners that
///    claimed at once, from the same log), the one whose claim came later in the log.
/// 2. A line's state is its latest complete snapshot, or else its base (nothing, or the parent line's
///    state after the change set the claim names, resolved the same way), followed by its complete
///    change sets in order, stopping at the first that is missing or torn.
/// 3. A state is made of records in log order, and a parent's part of records written before the claim
///    that names it: what the new owner could read when it claimed. A snapshot the parent wrote later
///    (a zombie's relay, waking up) is not used; a record sent again after a failed send counts by the
///    copy that keeps the order.
/// 4. A line whose base cannot be rebuilt (its records expired, or its owner died while writing its
///    first snapshot) loses to the next line by rule 1.
///
/// Every state this yields is one that an owner held and committed, with the source offset it was
/// computed up to: the messages after it are processed again by the new owner, once. Nothing here
/// depends on which records a compaction would keep: the changelog is not compacted (see
/// docs/architecture.md).
public struct ChangelogHistory {
    private struct SetKey: Hashable {
        var isSnapshot: Bool
        var line: Int64
        var seq: Int64
    }

    private struct Claim {
        var epoch: Int64
        var base: ChangelogRecord.Base
        var offset: Int64
        var time: Int64
    }

    /// One chunk of a set, with the offset of every copy of it in the log, ascending.
    private struct Part {
        var offsets: [Int64]
        var chunk: ChangelogRecord.Chunk
        var time: Int64
    }

    private var claims: [Int64: Claim] = [:]
    /// Every line's epoch and the log offset that orders it among lines of one epoch (its claim, or its
    /// first record when the claim expired).
    private var lines: [Int64: (epoch: Int64, order: Int64)] = [:]
    /// The chunks of each change set and snapshot, by chunk number.
    private var chunks: [SetKey: [Int: Part]] = [:]
    /// The highest epoch of any record added: a new claim takes the next one.
    public private(set) var highestEpoch: Int64 = 0

    public init() {}

    /// Adds the record at changelog offset `offset`; records are added in log order.
    public mutating func add(_ record: ChangelogRecord, at offset: Int64) {
        highestEpoch = max(highestEpoch, record.epoch)
        switch record.body {
        case .claim(let base):
            guard claims[record.line] == nil else { return }
            claims[record.line] = Claim(epoch: record.epoch, base: base, offset: offset, time: record.time)
            lines[record.line] = (record.epoch, offset)
        case .changes(let chunk), .snapshot(let chunk):
            if lines[record.line] == nil { lines[record.line] = (record.epoch, offset) }
            let key = SetKey(isSnapshot: record.body.isSnapshot, line: record.line, seq: chunk.seq)
            if chunks[key]?[chunk.index] == nil {
                chunks[key, default: [:]][chunk.index] = Part(offsets: [offset], chunk: chunk, time: record.time)
            } else {
                chunks[key]?[chunk.index]?.offsets.append(offset)
            }
        }
    }

    /// Forgets the records before changelog offset `offset`: the topic's retention deleted them.
    public mutating func forget(before offset: Int64) {
        claims = claims.filter { $0.value.offset >= offset }
        for (key, parts) in chunks {
            var kept = parts
            for (index, part) in parts {
                let offsets = part.offsets.filter { $0 >= offset }
                kept[index] = offsets.isEmpty ? nil : Part(offsets: offsets, chunk: part.chunk, time: part.time)
            }
            chunks[key] = kept.isEmpty ? nil : kept
        }
        let alive = Set(claims.keys).union(chunks.keys.map(\.line))
        lines = lines.filter { alive.contains($0.key) }
    }

    public var isEmpty: Bool { lines.isEmpty }

    /// The state to restore, or `nil` when the history holds no record at all.
    /// - Throws: ``ChangelogError`` when records exist but no line's state can be rebuilt from them.
    public func plan() throws(ChangelogError) -> RestorePlan? {
        guard !lines.isEmpty else { return nil }
        let ranked = lines.sorted { ($0.value.epoch, $0.value.order) > ($1.value.epoch, $1.value.order) }
        for (line, (epoch, _)) in ranked {
            var visited: Set<Int64> = []
            if let state = resolve(line, upTo: nil, before: nil, visited: &visited) {
                return RestorePlan(
                    line: line, epoch: epoch, seq: state.seq, nextSourceOffset: state.nextSourceOffset, records: state.records,
                    highestEpoch: highestEpoch, baseTime: state.baseTime
                )
            }
        }
        throw ChangelogError(
            "the changelog holds records of \(lines.count) owners but none whose state is complete (their first records expired, "
                + "or were never written): restore the partition from a backup, or reset the changelog (docs/operations.md)"
        )
    }

    private struct State {
        var seq: Int64
        var nextSourceOffset: Int64?
        var records: [Int64]
        /// When the snapshot or the claim from nothing at the bottom of the state was written.
        var baseTime: Int64
    }

    /// The state of `line` after its change set `target` (or after as many as are complete), made of
    /// records before changelog offset `limit`, or `nil` when it cannot be rebuilt.
    private func resolve(_ line: Int64, upTo target: Int64?, before limit: Int64?, visited: inout Set<Int64>) -> State? {
        guard visited.insert(line).inserted else { return nil }
        let snapshots = chunks.keys.filter { key in key.isSnapshot && key.line == line && key.seq <= target ?? .max }.map(\.seq)
        for seq in snapshots.sorted(by: >) {
            guard let snapshot = complete(SetKey(isSnapshot: true, line: line, seq: seq), after: -1, before: limit) else { continue }
            let base = State(seq: seq, nextSourceOffset: snapshot.nextSourceOffset, records: snapshot.records, baseTime: snapshot.time)
            if let state = extend(base, of: line, upTo: target, before: limit) { return state }
        }
        guard let claim = claims[line] else { return nil }
        switch claim.base {
        case .empty:
            return extend(State(seq: 0, nextSourceOffset: nil, records: [], baseTime: claim.time), of: line, upTo: target, before: limit)
        case .snapshot:
            return nil
        case .parent(let parent, let seq):
            guard let base = resolve(parent, upTo: seq, before: claim.offset, visited: &visited) else { return nil }
            let state = State(seq: 0, nextSourceOffset: base.nextSourceOffset, records: base.records, baseTime: base.baseTime)
            return extend(state, of: line, upTo: target, before: limit)
        }
    }

    /// `state` of `line` followed by the line's next complete change sets, up to `target` (which must be
    /// reached) or as far as they go.
    private func extend(_ state: State, of line: Int64, upTo target: Int64?, before limit: Int64?) -> State? {
        var state = state
        while target.map({ state.seq < $0 }) ?? true,
              let next = complete(SetKey(isSnapshot: false, line: line, seq: state.seq + 1), after: state.records.last ?? -1, before: limit) {
            state.seq += 1
            state.records += next.records
            state.nextSourceOffset = next.nextSourceOffset
        }
        if let target, state.seq != target { return nil }
        return state
    }

    /// The offsets of a set's chunks in order, all after `after` and before `limit`, when a copy of every
    /// chunk is there in that order: of each chunk, the first copy after the chunk before.
    private func complete(_ key: SetKey, after: Int64, before limit: Int64?) -> (records: [Int64], nextSourceOffset: Int64?, time: Int64)? {
        guard let parts = chunks[key], let last = parts.values.first(where: { $0.chunk.isLast }) else { return nil }
        let count = last.chunk.index + 1
        guard parts.count >= count else { return nil }
        var records: [Int64] = []
        records.reserveCapacity(count)
        var previous = after
        for index in 0..<count {
            guard let offset = parts[index]?.offsets.first(where: { $0 > previous }), limit.map({ offset < $0 }) ?? true else { return nil }
            records.append(offset)
            previous = offset
        }
        return (records, last.chunk.nextSourceOffset, last.time)
    }
}

extension ChangelogRecord.Body {
    var isSnapshot: Bool {
        if case .snapshot = self { return true }
        return false
    }
}

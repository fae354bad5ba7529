import Foundation

/// The rows a batch adds to one aggregation's table, each found by its key: the window's start, the source
/// partition and the group values. Kept flat, with no Swift value per row or per message: the group values
/// are encoded one after the other in one byte buffer (``ColumnValue``), compared by their bytes as SQLite
/// compares a key's text, and found through an open-addressing table. Staging a message allocates nothing
/// once the arrays have grown, and freeing the batch frees a few arrays.
struct WindowRows: Sendable {
    /// A group-by field: its cell in a message, and the encoding of the value it counts under when the
    /// message has none (its default, or null).
    struct Group: Sendable {
        var field: Int
        var missing: [UInt8]
    }

    struct Row: Sendable {
        var start: Int64
        /// The source topic's place in ``DeclaredBatch/topics``; -1 for the unattributed topic `''`.
        var topic: Int32
        var partition: Int32
        /// Where its group values lie in the key bytes.
        var groups: Range<Int32>
        var hash: Int
    }

    private(set) var rows: [Row] = []
    /// Each row's measures, `width` per row, in the aggregation's order.
    private(set) var measures: [MeasureValue] = []
    private var keys: [UInt8] = []
    /// A row's index in each used slot, -1 in a free one; a power of two, at most half full.
    private var slots = [Int32](repeating: -1, count: 64)
    private let width: Int

    init(measures width: Int) {
        self.width = width
    }

    var count: Int { rows.count }
    var isEmpty: Bool { rows.isEmpty }

    /// The index of the row of the key, added (its measures null) when the batch has none yet.
    mutating func row(start: Int64, topic: Int32, partition: Int32, groups: [Group], of values: StagedValues, first: Int) -> Int {
        // The key is encoded where a new row's would go, and dropped again when the row exists.
        let keyStart = keys.count
        values.withText { text in
            for group in groups {
                let cell = values.cells[first + group.field]
                if cell == .null { keys.append(contentsOf: group.missing) } else { ColumnValue(cell, text: text).encode(to: &keys) }
            }
        }
        let hash = keys.withUnsafeBytes { keys in
            var hasher = Hasher()
            hasher.combine(start)
            hasher.combine(topic)
            hasher.combine(partition)
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: keys[keyStart...]))
            return hasher.finalize()
        }
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if matches(rows[index], hash: hash, start: start, topic: topic, partition: partition, keyStart: keyStart) {
                keys.removeSubrange(keyStart...)
                return index
            }
            slot = (slot + 1) & mask
        }
        let index = rows.count
        rows.append(Row(start: start, topic: topic, partition: partition, groups: Int32(keyStart)..<Int32(keys.count), hash: hash))
        measures.append(contentsOf: repeatElement(.null, count: width))
        slots[slot] = Int32(index)
        if rows.count * 2 > slots.count { grow() }
        return index
    }

    /// Adds a message's part to measure `position` of row `row`.
    mutating func add(_ part: MeasureValue, _ combine: MeasureValue.Combine, row: Int, position: Int) {
        let slot = row * width + position
        measures[slot] = MeasureValue.combined(combine, measures[slot], part)
    }

    /// Calls `body` with each row, its group values (valid during the call) and its measures.
    func forEach(_ body: (Row, _ groups: UnsafeRawBufferPointer, _ measures: ArraySlice<MeasureValue>) throws -> Void) rethrows {
        try keys.withUnsafeBytes { keys in
            for (index, row) in rows.enumerated() {
                try body(row, UnsafeRawBufferPointer(rebasing: keys[Int(row.groups.lowerBound)..<Int(row.groups.upperBound)]), measures[index * width..<(index + 1) * width])
            }
        }
    }

    private func matches(_ row: Row, hash: Int, start: Int64, topic: Int32, partition: Int32, keyStart: Int) -> Bool {
        guard row.hash == hash, row.start == start, row.topic == topic, row.partition == partition,
            row.groups.count == keys.count - keyStart
        else { return false }
        return row.groups.isEmpty || keys.withUnsafeBytes { keys in
            memcmp(keys.baseAddress! + Int(row.groups.lowerBound), keys.baseAddress! + keyStart, row.groups.count) == 0
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, row) in rows.enumerated() {
            var slot = row.hash & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}

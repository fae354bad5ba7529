/// One row's value of a measure as a batch adds it up: a count or a sum, or the smallest or largest
/// value; null while no message had one. Trivially copied, so a batch's measures cost no reference counting.
enum MeasureValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)

    /// How a measure combines two parts.
    enum Combine: Sendable {
        case add, min, max

        init(_ kind: Measure.Kind) {
            switch kind {
            case .count, .sum: self = .add
            case .min: self = .min
            case .max: self = .max
            }
        }
    }

    /// A message's part of a measure: 1 for a count (no `cell`), else the field's value, a missing one
    /// adding 0 to a sum and nothing to a smallest or largest.
    init(_ combine: Combine, cell: StagedValues.Cell?) {
        guard let cell else {
            self = .integer(1)
            return
        }
        switch cell {
        case .integer(let number): self = .integer(number)
        case .real(let number): self = .real(number)
        case .null, .text: self = combine == .add ? .integer(0) : .null
        }
    }

    /// Two parts together.
    static func combined(_ combine: Combine, _ a: MeasureValue, _ b: MeasureValue) -> MeasureValue {
        switch (combine, a, b) {
        case (_, .null, _): b
        case (_, _, .null): a
        case (.add, .integer(let x), .integer(let y)): .integer(x &+ y)
        case (.add, .real(let x), .real(let y)): .real(x + y)
        case (.add, .integer(let x), .real(let y)), (.add, .real(let y), .integer(let x)): .real(Double(x) + y)
        case (.min, _, _): b.isLess(than: a) ? b : a
        case (.max, _, _): a.isLess(than: b) ? b : a
        }
    }

    private func isLess(than other: MeasureValue) -> Bool {
        switch (self, other) {
        case (.integer(let x), .integer(let y)): x < y
        case (.real(let x), .real(let y)): x < y
        default: false
        }
    }

    /// The value as it is bound or written into a change set.
    var column: ColumnValue {
        switch self {
        case .null: .null
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        }
    }
}

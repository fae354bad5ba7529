import GRDB

/// An aggregation computed again from the events table, in SQL: for `eddy audit` (compared with the
/// stored rows) and `eddy offsets reset` (a partition's share taken out of the rows kept for every
/// partition together). Its rows are `w` (the window start), `g0`, `g1`... (the groups, a missing value
/// counted as its default, as the workload counts it) and `m0`, `m1`... (the measures).
struct AggregationRecompute {
    let aggregation: Aggregation
    /// The events table, or nil when there is none or it does not keep a field the aggregation needs.
    let events: String?
    /// Why it cannot be computed again, when `events` is nil.
    let unavailable: String?
    /// The window start of an event, as SQL over the events table.
    let windowStart: String
    /// The group columns in the aggregation's table, and the default each missing value counts as.
    let groups: [(column: String, missing: DatabaseValue)]
    private let measures: [String]

    init(_ aggregation: Aggregation, _ definition: WorkloadDefinition) {
        self.aggregation = aggregation
        let needed = [aggregation.time] + aggregation.groupBy + aggregation.measures.compactMap(\.field)
        if let table = definition.events {
            let missing = needed.first { !table.fields.contains($0) }
            events = missing == nil ? table.table : nil
            unavailable = missing.map { "\(table.table) does not keep \($0)" }
        } else {
            events = nil
            unavailable = "the file declares no events table to compute it from"
        }
        let time = definition.field(aggregation.time)!.column
        let window = aggregation.windowSeconds
        windowStart = "(\(time) - ((\(time) % \(window)) + \(window)) % \(window))"
        groups = aggregation.groupBy.map { name in
            let group = definition.field(name)!
            return (group.column, group.defaultValue.flatMap { DeclaredValue(default: $0, of: group) }?.databaseValue ?? .null)
        }
        measures = aggregation.measures.enumerated().map { index, measure in
            switch measure.kind {
            case .count: "count(*) AS m\(index)"
            case .sum(let name): "coalesce(sum(\(definition.field(name)!.column)), 0) AS m\(index)"
            case .min(let name): "min(\(definition.field(name)!.column)) AS m\(index)"
            case .max(let name): "max(\(definition.field(name)!.column)) AS m\(index)"
            }
        }
    }

    /// The names of the group columns in the query's rows.
    var groupNames: [String] { groups.indices.map { "g\($0)" } }

    /// `SELECT w, g…, m… FROM events WHERE condition GROUP BY w, g…`; the defaults are bound from
    /// parameter `firstParameter` on (the caller binds those before them).
    func select(where condition: String, firstParameter: Int) -> (sql: String, arguments: [DatabaseValue]) {
        let columns = groups.enumerated().map { index, group in ", coalesce(\(group.column), ?\(firstParameter + index)) AS g\(index)" }.joined()
        let sql = """
            SELECT \(windowStart) AS w\(columns), \(measures.joined(separator: ", ")) FROM \(events!) \
            WHERE \(condition) GROUP BY \((["w"] + groupNames).joined(separator: ", "))
            """
        return (sql, groups.map(\.missing))
    }
}

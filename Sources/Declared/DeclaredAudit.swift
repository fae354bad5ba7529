import GRDB

/// Each aggregation of a workload file checked against the events table it counts: per window and group,
/// every measure stored (summed over source partitions) against the one recomputed from the stored events.
/// It reads one snapshot, so it runs beside the service without blocking it.
public enum DeclaredAudit {
    /// A window and group whose stored measure differs from the one its stored events give.
    public struct Difference: Sendable, Equatable {
        public var windowStart: Int64
        /// The group's values, as text, in the file's `group_by` order.
        public var groups: [String]
        public var measure: String
        public var stored: String
        public var recomputed: String
    }

    /// What the audit of one aggregation found.
    public struct Report: Sendable {
        public var table: String
        /// The events table it was recomputed from.
        public var events: String
        /// The windows compared.
        public var windows: Int
        public var differences: [Difference]
    }

    /// Why an aggregation cannot be audited.
    public struct Skipped: Sendable, Equatable {
        public var table: String
        public var reason: String
    }

    /// Audits every aggregation that the events table can recompute, over the windows both tables hold
    /// whole from `from` (unix seconds) on: from the window after the oldest one with stored events
    /// (retention deletes events minute by minute, so the oldest may be partly gone) and from the oldest
    /// stored window.
    public static func run(_ db: Database, _ definition: WorkloadDefinition, from: Int64? = nil) throws -> (reports: [Report], skipped: [Skipped]) {
        var reports: [Report] = []
        var skipped: [Skipped] = []
        for aggregation in definition.aggregations {
            let recompute = AggregationRecompute(aggregation, definition)
            if let reason = recompute.unavailable {
                skipped.append(Skipped(table: aggregation.table, reason: reason))
                continue
            }
            reports.append(try audit(db, recompute, definition, from: from))
        }
        return (reports, skipped)
    }

    private static func audit(_ db: Database, _ recompute: AggregationRecompute, _ definition: WorkloadDefinition, from: Int64?) throws -> Report {
        let aggregation = recompute.aggregation
        let events = recompute.events!
        let table = aggregation.table
        let (start, window) = (recompute.windowStart, aggregation.windowSeconds)
        let recomputed = recompute.select(where: "\(start) >= (SELECT low FROM bounds)", firstParameter: 2)
        let storedMeasures = aggregation.measures.enumerated().map { index, measure -> String in
            switch measure.kind {
            case .count, .sum: "sum(\(measure.name)) AS m\(index)"
            case .min: "min(\(measure.name)) AS m\(index)"
            case .max: "max(\(measure.name)) AS m\(index)"
            }
        }
        let groupNames = recompute.groupNames
        let arguments = StatementArguments([from.databaseValue] + recomputed.arguments)
        let sql = """
            WITH bounds AS (
                SELECT max((SELECT min(\(start)) + \(window) FROM \(events)), (SELECT min(\(aggregation.windowColumn)) FROM \(table)),
                           coalesce(?1, -9223372036854775807)) AS low
            ),
            recomputed AS (\(recomputed.sql)),
            stored AS (
                SELECT \(aggregation.windowColumn) AS w\(recompute.groups.enumerated().map { ", \($1.column) AS g\($0)" }.joined()), \(storedMeasures.joined(separator: ", "))
                FROM \(table), bounds WHERE \(aggregation.windowColumn) >= low
                    AND \(aggregation.windowColumn) <= (SELECT max(\(definition.field(aggregation.time)!.column)) FROM \(events))
                GROUP BY \((["w"] + groupNames).joined(separator: ", "))
            )
            """
        let windows = try Int.fetchOne(db, sql: sql + " SELECT count(*) FROM (SELECT w FROM recomputed UNION SELECT w FROM stored)", arguments: arguments) ?? 0
        let joined = (["w"] + groupNames).map { "s.\($0) IS r.\($0)" }.joined(separator: " AND ")
        let measures = aggregation.measures.indices.map { "s.m\($0) AS s\($0), r.m\($0) AS r\($0)" }.joined(separator: ", ")
        let differs = aggregation.measures.enumerated().map { index, measure -> String in
            let (s, r) = ("coalesce(s.m\(index), \(zero(measure)))", "coalesce(r.m\(index), \(zero(measure)))")
            return definition.field(measure.field ?? aggregation.time)!.type == .number
                ? "abs(\(s) - \(r)) > 1e-9 * max(abs(\(s)), abs(\(r)), 1)" : "\(s) IS NOT \(r)"
        }.joined(separator: " OR ")
        let rows = try Row.fetchAll(
            db,
            sql: sql + """
                SELECT coalesce(s.w, r.w) AS w\(groupNames.map { ", coalesce(s.\($0), r.\($0)) AS \($0)" }.joined()), \(measures)
                FROM stored s FULL OUTER JOIN recomputed r ON \(joined)
                WHERE \(differs)
                ORDER BY 1\(groupNames.indices.map { ", \($0 + 2)" }.joined())
                """,
            arguments: arguments
        )
        var differences: [Difference] = []
        for row in rows {
            let groupValues = groupNames.map { text(row[$0]) }
            for (index, measure) in aggregation.measures.enumerated() {
                let stored = text(row["s\(index)"], zero: zero(measure))
                let recomputed = text(row["r\(index)"], zero: zero(measure))
                if stored != recomputed {
                    differences.append(Difference(windowStart: row["w"], groups: groupValues, measure: measure.name, stored: stored, recomputed: recomputed))
                }
            }
        }
        return Report(table: table, events: events, windows: windows, differences: differences)
    }

    /// What a measure is when no row has it: 0 for counts and sums, NULL for min and max.
    private static func zero(_ measure: Measure) -> String {
        switch measure.kind {
        case .count, .sum: "0"
        case .min, .max: "NULL"
        }
    }

    private static func text(_ value: DatabaseValue, zero: String = "NULL") -> String {
        switch value.storage {
        case .null: zero
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let string): string
        case .blob: "(blob)"
        }
    }
}

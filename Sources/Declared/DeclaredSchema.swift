import Foundation
import Store

/// The tables a ``WorkloadDefinition`` keeps: the SQL that creates them, and how the changelog carries
/// their rows. Every row belongs to one source partition (its topic and partition columns), as for the
/// built-in workload, so that the tables move with their partitions between instances.
public struct DeclaredSchema: Sendable {
    /// In the definition's order: the events table and its minutes map, then each aggregation.
    public let tables: [DeclaredTable]

    /// One `CREATE TABLE` per table.
    public var statements: [String] { tables.map(\.createSQL) }
    /// The tables as the changelog carries them.
    public var partitionedTables: [PartitionedTable] { tables.map(\.partitioned) }

    public init(_ definition: WorkloadDefinition) {
        var tables: [DeclaredTable] = []
        if let events = definition.events {
            let fields = events.fields.compactMap(definition.field)
            let columns =
                [DeclaredColumn("topic", "TEXT"), DeclaredColumn("partition", "INTEGER"), DeclaredColumn("offset", "INTEGER")]
                + fields.map(DeclaredColumn.init(field:))
            let key = ["topic", "partition", "offset"]
            tables.append(
                DeclaredTable(
                    name: events.table,
                    shape: .init(columns: columns, key: key, timeColumn: events.time.flatMap(definition.field)?.column),
                    partitioned: PartitionedTable(name: events.table, columns: columns.map(\.name), key: key, offsetColumn: "offset")
                ))
            if events.time != nil {
                let names = ["minute_start", "topic", "partition", "offset_block", "first_offset", "last_offset"]
                let key = ["minute_start", "topic", "partition", "offset_block"]
                let comments = ["minute_start": "unix seconds aligned to the minute", "offset_block": "offset / 65536"]
                let columns = names.map { DeclaredColumn($0, $0 == "topic" ? "TEXT" : "INTEGER", comment: comments[$0]) }
                tables.append(
                    DeclaredTable(
                        name: events.minutesTable, shape: .init(columns: columns, key: key),
                        partitioned: PartitionedTable(
                            name: events.minutesTable, columns: names, key: key, merges: ["first_offset": .min, "last_offset": .max]
                        )
                    ))
            }
        }
        for aggregation in definition.aggregations {
            let groups = aggregation.groupBy.compactMap(definition.field).map { field in
                DeclaredColumn(field.column, field.type.sqlType, comment: DeclaredColumn(field: field).comment)
            }
            let measures = aggregation.measures.map { measure in DeclaredColumn(measure: measure, definition) }
            let window = DeclaredColumn(
                aggregation.windowColumn, "INTEGER", comment: "unix seconds: the start of the \(Self.windowName(aggregation)) window"
            )
            let columns =
                [window] + groups + [DeclaredColumn("topic", "TEXT"), DeclaredColumn("partition", "INTEGER")] + measures
                + [DeclaredColumn("updated_at", "INTEGER", comment: "unix seconds")]
            let key = [aggregation.windowColumn, "topic", "partition"] + groups.map(\.name)
            let computes = Dictionary(uniqueKeysWithValues: aggregation.measures.map { measure in
                (measure.name, Self.describe(measure.kind, definition))
            })
            let merges = Dictionary(uniqueKeysWithValues: aggregation.measures.map { ($0.name, Self.merge($0.kind)) })
            tables.append(
                DeclaredTable(
                    name: aggregation.table,
                    shape: .init(
                        columns: columns, key: key, windowSeconds: aggregation.windowSeconds,
                        timeColumn: definition.field(aggregation.time)?.column, measures: computes
                    ),
                    partitioned: PartitionedTable(name: aggregation.table, columns: columns.map(\.name), key: key, merges: merges)
                ))
        }
        self.tables = tables
    }

    /// What a measure computes, by the column of the field it reads: `count`, `sum(amount)`.
    private static func describe(_ kind: Measure.Kind, _ definition: WorkloadDefinition) -> String {
        func column(_ name: String) -> String { definition.field(name)?.column ?? name }
        switch kind {
        case .count: return "count"
        case .sum(let field): return "sum(\(column(field)))"
        case .min(let field): return "min(\(column(field)))"
        case .max(let field): return "max(\(column(field)))"
        }
    }

    /// How a measure's column combines when the changelog merges a batch's increment into a stored row.
    private static func merge(_ kind: Measure.Kind) -> ChangeSet.Merge {
        switch kind {
        case .count, .sum: .add
        case .min: .min
        case .max: .max
        }
    }

    private static func windowName(_ aggregation: Aggregation) -> String {
        let seconds = aggregation.windowSeconds
        for (unit, size) in [("day", Int64(86_400)), ("hour", 3_600), ("minute", 60)] where seconds % size == 0 {
            return seconds == size ? unit : "\(seconds / size)-\(unit)"
        }
        return "\(seconds)-second"
    }
}

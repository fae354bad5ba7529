import Foundation
import Store

/// The tables a ``WorkloadDefinition`` keeps: the SQL that creates them, and how the changelog carries
/// their rows. Every row belongs to one source partition (its topic and partition columns), as for the
/// built-in workload, so that the tables move with their partitions between instances.
public struct DeclaredSchema: Sendable {
    /// One `CREATE TABLE` per table, in the definition's order.
    public let statements: [String]
    public let tables: [PartitionedTable]

    public init(_ definition: WorkloadDefinition) {
        var statements: [String] = []
        var tables: [PartitionedTable] = []
        if let events = definition.events {
            let fields = events.fields.compactMap(definition.field)
            let columns = [Column("topic", "TEXT"), Column("partition", "INTEGER"), Column("offset", "INTEGER")] + fields.map(Column.init(field:))
            statements.append(Self.create(events.table, columns, key: ["topic", "partition", "offset"]))
            tables.append(PartitionedTable(name: events.table, columns: columns.map(\.name), key: ["topic", "partition", "offset"], offsetColumn: "offset"))
            if events.time != nil {
                let minutes = ["minute_start", "topic", "partition", "offset_block", "first_offset", "last_offset"]
                let key = ["minute_start", "topic", "partition", "offset_block"]
                let comments = ["minute_start": "unix seconds aligned to the minute", "offset_block": "offset / 65536"]
                let columns = minutes.map { Column($0, $0 == "topic" ? "TEXT" : "INTEGER", comment: comments[$0]) }
                statements.append(Self.create(events.minutesTable, columns, key: key))
                tables.append(
                    PartitionedTable(name: events.minutesTable, columns: minutes, key: key, merges: ["first_offset": .min, "last_offset": .max])
                )
            }
        }
        for aggregation in definition.aggregations {
            let groups = aggregation.groupBy.compactMap(definition.field).map { field in
                Column(field.column, field.type.sqlType, comment: Column(field: field).comment)
            }
            let measures = aggregation.measures.map { measure in Column(measure: measure, definition) }
            let columns =
                [Column(aggregation.windowColumn, "INTEGER", comment: "unix seconds: the start of the \(Self.windowName(aggregation)) window")]
                + groups + [Column("topic", "TEXT"), Column("partition", "INTEGER")] + measures
                + [Column("updated_at", "INTEGER", comment: "unix seconds")]
            let key = [aggregation.windowColumn, "topic", "partition"] + groups.map(\.name)
            statements.append(Self.create(aggregation.table, columns, key: key))
            let merges = Dictionary(uniqueKeysWithValues: aggregation.measures.map { ($0.name, Self.merge($0.kind)) })
            tables.append(PartitionedTable(name: aggregation.table, columns: columns.map(\.name), key: key, merges: merges))
        }
        self.statements = statements
        self.tables = tables
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

    private static func create(_ table: String, _ columns: [Column], key: [String]) -> String {
        let width = columns.map(\.name.count).max() ?? 0
        let lines = columns.map { column in
            let definition = column.name.padding(toLength: width, withPad: " ", startingAt: 0) + " " + column.type
                + (column.notNull ? " NOT NULL" : "")
            return (definition + ",", column.comment)
        }
        let typeWidth = lines.map(\.0.count).max() ?? 0
        let body = lines.map { line, comment in
            "    " + (comment.map { line.padding(toLength: typeWidth, withPad: " ", startingAt: 0) + " -- " + $0 } ?? line)
        }
        return "CREATE TABLE \(table) (\n" + body.joined(separator: "\n") + "\n    PRIMARY KEY (\(key.joined(separator: ", ")))\n) WITHOUT ROWID;"
    }
}

/// One column of a declared table, as its `CREATE TABLE` says it.
private struct Column {
    var name: String
    var type: String
    var notNull = true
    var comment: String?

    init(_ name: String, _ type: String, notNull: Bool = true, comment: String? = nil) {
        self.name = name
        self.type = type
        self.notNull = notNull
        self.comment = comment
    }

    /// A field's column in the events table: NULL when the message lacked it, unless it is required.
    init(field: DeclaredField) {
        let comment: String? =
            switch field.type {
            case .decimal: "\(field.path): decimal, in units of 10^-\(field.scale)"
            case .unixSeconds, .rfc3339: "\(field.path): unix seconds"
            case .boolean: "\(field.path): 1 or 0"
            default: field.path == field.column ? nil : field.path
            }
        self.init(field.column, field.type.sqlType, notNull: field.required, comment: comment)
    }

    /// A measure's column: a count or a sum starts at 0; a minimum or maximum is NULL until a message has the field.
    init(measure: Measure, _ definition: WorkloadDefinition) {
        let field = measure.field.flatMap(definition.field)
        let type = field?.type.sqlType ?? "INTEGER"
        let units = field.map { $0.type == .decimal ? ", in units of 10^-\($0.scale)" : $0.type.isTime ? ", unix seconds" : "" } ?? ""
        switch measure.kind {
        case .count: self.init(measure.name, "INTEGER", comment: "messages")
        case .sum(let name): self.init(measure.name, type, comment: "sum of \(name)\(units)")
        case .min(let name): self.init(measure.name, type, notNull: false, comment: "smallest \(name)\(units)")
        case .max(let name): self.init(measure.name, type, notNull: false, comment: "largest \(name)\(units)")
        }
    }
}

import Engine
import Foundation
import GRDB
import Primitives
import Store

/// A workload read from a file: it stages each message as its ``WorkloadDefinition`` says and applies a
/// batch to the tables ``DeclaredSchema`` derives.
///
/// With the changelog on (`attributesPartitions`), every row a batch writes is recorded whole in its
/// partition's change set (an aggregation's row as the batch's increment, merged at restore), so that
/// the tables move with their partitions. Work in progress (issue 17): not yet run by `eddy run`.
public struct DeclaredWorkload: Workload {
    public let definition: WorkloadDefinition
    private let schema: DeclaredSchema
    private let parser: DeclaredParser
    /// Each aggregation's time field and group fields, as indices into the definition's fields.
    private let plans: [AggregationPlan]
    private let eventFields: [Int]
    /// The events table's time field, and its minutes map, when it has one.
    private let eventTime: (field: Int, map: EventMinutesMap)?
    /// Count per source partition (the changelog is on); else every count goes to topic `''` and
    /// partition -1, as the built-in workload does.
    private let attributesPartitions: Bool
    /// The output's encoder and key field, when the workload publishes.
    private let publishing: (encoder: DeclaredOutputEncoder, key: Int)?
    private let now: @Sendable () -> Int64

    struct AggregationPlan: Sendable {
        var aggregation: Aggregation
        var time: Int
        var groups: [(index: Int, missing: DeclaredValue)]
        var measures: [(kind: Measure.Kind, field: Int?)]
    }

    public init(
        _ definition: WorkloadDefinition, attributesPartitions: Bool = false, publishes: Bool = false,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.definition = definition
        let schema = DeclaredSchema(definition)
        self.schema = schema
        parser = DeclaredParser(definition)
        func index(_ name: String) -> Int { definition.fields.firstIndex { $0.name == name }! }
        plans = definition.aggregations.map { aggregation in
            AggregationPlan(
                aggregation: aggregation, time: index(aggregation.time),
                groups: aggregation.groupBy.map { name in
                    let field = definition.fields[index(name)]
                    return (index(name), field.defaultValue.flatMap { DeclaredValue(default: $0, of: field) } ?? .null)
                },
                measures: aggregation.measures.map { ($0.kind, $0.field.map(index)) }
            )
        }
        eventFields = definition.events?.fields.map(index) ?? []
        eventTime = definition.events.flatMap { events in
            events.time.map { time in
                let map = schema.tables.first { $0.name == events.minutesTable }!.partitioned
                return (index(time), EventMinutesMap(map: map, events: events.table, timeColumn: definition.fields[index(time)].column))
            }
        }
        self.attributesPartitions = attributesPartitions
        publishing = publishes ? definition.output.map { (DeclaredOutputEncoder(definition, $0), index($0.key)) } : nil
        self.now = now
    }

    /// The tables are created and changed by ``DeclaredMigrationPlan``, which records them in
    /// `declared_tables`, rather than by numbered migrations.
    public var migrations: [Migration] { [] }
    /// The tables the workload keeps, as SQL.
    public var schemaTables: DeclaredSchema { schema }
    public var partitionedTables: [PartitionedTable] { schema.partitionedTables }

    public func forget(_ db: Database, topic: String, partition: Int32) throws -> String? {
        try SharedRowsRemoval.takeOut(db, definition, topic: topic, partition: partition)
    }

    public var retentionRules: [RetentionRule] {
        var rules: [RetentionRule] = []
        if let events = definition.events, let eventTime {
            rules.append(RetentionRule(name: events.table, retainSeconds: events.retentionSeconds, deleteExpired: eventTime.map.deleteExpired))
        }
        for (plan, table) in zip(plans, schema.tables.suffix(plans.count)) {
            rules.append(
                RetentionRule(
                    name: plan.aggregation.table, table: plan.aggregation.table, timeColumn: plan.aggregation.windowColumn,
                    keyColumns: table.shape.key, retainSeconds: plan.aggregation.retentionSeconds
                ))
        }
        return rules
    }

    public func makeBatch(capacity: Int) -> DeclaredBatch {
        var batch = DeclaredBatch(aggregations: plans.count)
        if definition.events != nil { batch.events.reserveCapacity(capacity) }
        return batch
    }

    public func stage(_ message: IncomingMessage, into batch: inout DeclaredBatch) -> WorkloadFailure? {
        let values: [DeclaredValue]
        switch parser.parse(message.value) {
        case .success(let parsed): values = parsed
        case .failure(let failure): return failure
        }
        let cutoffs = lateBefore(&batch)
        let topic = attributesPartitions ? message.topic : ""
        let partition = attributesPartitions ? message.partition : -1
        var keys: [DeclaredBatch.WindowKey] = []
        for (plan, cutoff) in zip(plans, cutoffs) {
            guard case .integer(let time) = values[plan.time] else { continue }
            let window = plan.aggregation.windowSeconds
            let start = time - ((time % window) + window) % window
            if let cutoff, start < cutoff {
                return WorkloadFailure(
                    errorClass: "late",
                    reason: "the message's window \(ISO8601UTC.format(start)) "
                        + "of \(plan.aggregation.table) is older than it keeps; reprocess it after lengthening its retention or lateness"
                )
            }
            let groups = plan.groups.map { values[$0.index] == .null ? $0.missing : values[$0.index] }
            keys.append(DeclaredBatch.WindowKey(start: start, topic: topic, partition: partition, groups: groups))
        }
        for (index, (plan, key)) in zip(plans, keys).enumerated() {
            let increment = plan.measures.map { measure in Self.increment(measure.kind, measure.field.map { values[$0] }) }
            if let stored = batch.windows[index][key] {
                batch.windows[index][key] = zip(plan.measures, zip(stored, increment)).map { Self.merge($0.kind, $1.0, $1.1) }
            } else {
                batch.windows[index][key] = increment
            }
        }
        if definition.events != nil {
            batch.events.append(.init(topic: message.topic, partition: message.partition, offset: message.offset, values: values))
        }
        if let publishing {
            let key: String? =
                switch values[publishing.key] {
                case .text(let text): text
                case .integer(let value): String(value)
                case .real(let value): String(value)
                case .null: nil
                }
            Self.withUTF8(key) { key in
                batch.output.append(topic: message.topic, partition: message.partition, offset: message.offset, key: key) {
                    publishing.encoder.append(values, to: &$0)
                }
            }
        }
        return nil
    }

    private static func withUTF8(_ text: String?, _ body: (UnsafeRawBufferPointer?) -> Void) {
        guard var text else { return body(nil) }
        text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The oldest window start each aggregation takes now: `lateness` after the window's end, else its retention.
    private func lateBefore(_ batch: inout DeclaredBatch) -> [Int64?] {
        if let cached = batch.lateBefore { return cached }
        let clock = now()
        let cutoffs = plans.map { plan -> Int64? in
            let aggregation = plan.aggregation
            if let lateness = aggregation.latenessSeconds { return clock - lateness - aggregation.windowSeconds + 1 }
            return aggregation.retentionSeconds.map { clock - $0 }
        }
        batch.lateBefore = cutoffs
        return cutoffs
    }

    /// One message's part of a measure.
    private static func increment(_ kind: Measure.Kind, _ value: DeclaredValue?) -> DeclaredValue {
        switch kind {
        case .count: return .integer(1)
        case .sum: return value.map { $0 == .null ? .integer(0) : $0 } ?? .integer(0)
        case .min, .max: return value ?? .null
        }
    }

    /// Two parts of a measure together.
    static func merge(_ kind: Measure.Kind, _ a: DeclaredValue, _ b: DeclaredValue) -> DeclaredValue {
        switch (kind, a, b) {
        case (_, .null, _): return b
        case (_, _, .null): return a
        case (.count, .integer(let x), .integer(let y)), (.sum, .integer(let x), .integer(let y)): return .integer(x &+ y)
        case (.sum, .real(let x), .real(let y)): return .real(x + y)
        case (.sum, .integer(let x), .real(let y)), (.sum, .real(let y), .integer(let x)): return .real(Double(x) + y)
        case (.min, _, _): return Self.less(b, a) ? b : a
        case (.max, _, _): return Self.less(a, b) ? b : a
        default: return a
        }
    }

    private static func less(_ a: DeclaredValue, _ b: DeclaredValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): x < y
        case (.real(let x), .real(let y)): x < y
        case (.text(let x), .text(let y)): x < y
        default: false
        }
    }

    public func output(of batch: DeclaredBatch) -> StagedOutput? {
        publishing == nil ? nil : batch.output
    }

    public func apply(_ batch: DeclaredBatch, to db: Database, now: Int64, changes: PartitionChanges?) throws {
        precondition(changes == nil || attributesPartitions, "recording changes needs the counts kept per source partition")
        if let events = definition.events, !batch.events.isEmpty {
            let table = partitionedTables.first { $0.name == events.table }!
            let columns = ["topic", "partition", "offset"] + eventFields.map { definition.fields[$0].column }
            let insert = try BatchStatement(
                db,
                sql: "INSERT INTO \(events.table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
            )
            for event in batch.events {
                insert.bind(event.topic, at: 1)
                insert.bind(Int64(event.partition), at: 2)
                insert.bind(event.offset, at: 3)
                for (position, field) in eventFields.enumerated() { insert.bind(event.values[field].databaseValue, at: Int32(position + 4)) }
                try insert.run()
                changes?.record(topic: event.topic, partition: event.partition) { set in
                    set.upsert(table)
                    set.append(event.topic)
                    set.append(Int64(event.partition))
                    set.append(event.offset)
                    for field in eventFields { set.append(event.values[field].databaseValue) }
                }
            }
            if let eventTime { try eventTime.map.write(Self.minutes(of: batch.events, time: eventTime.field), to: db, changes: changes) }
        }
        for (plan, windows) in zip(plans, batch.windows) where !windows.isEmpty {
            let table = partitionedTables.first { $0.name == plan.aggregation.table }!
            let upsert = try BatchStatement(db, sql: Self.upsertSQL(plan, definition))
            for (key, measures) in windows {
                var position: Int32 = 1
                func bind(_ value: DatabaseValue) {
                    upsert.bind(value, at: position)
                    position += 1
                }
                bind(key.start.databaseValue)
                for group in key.groups { bind(group.databaseValue) }
                bind(key.topic.databaseValue)
                bind(Int64(key.partition).databaseValue)
                for measure in measures { bind(measure.databaseValue) }
                bind(now.databaseValue)
                try upsert.run()
                // The increment, which adds up (or takes the smaller, the larger) at restore.
                changes?.record(topic: key.topic, partition: key.partition) { set in
                    set.merge(table)
                    set.append(key.start)
                    for group in key.groups { set.append(group.databaseValue) }
                    set.append(key.topic)
                    set.append(Int64(key.partition))
                    for measure in measures { set.append(measure.databaseValue) }
                    set.append(now)
                }
            }
        }
    }

    /// The batch's rows of the minutes map: the lowest and highest offset of each minute's events per block.
    private static func minutes(of events: [DeclaredBatch.Event], time: Int) -> [EventMinutesMap.Entry] {
        struct Key: Hashable {
            var minute: Int64
            var topic: String
            var partition: Int32
            var block: Int64
        }
        var ranges: [Key: (first: Int64, last: Int64)] = [:]
        for event in events {
            guard case .integer(let seconds) = event.values[time] else { continue }
            let key = Key(minute: seconds - seconds % 60, topic: event.topic, partition: event.partition, block: event.offset / EventMinutesMap.blockSize)
            let range = ranges[key] ?? (event.offset, event.offset)
            ranges[key] = (min(range.first, event.offset), max(range.last, event.offset))
        }
        return ranges.map { key, range in
            EventMinutesMap.Entry(minuteStart: key.minute, topic: key.topic, partition: key.partition, block: key.block, first: range.first, last: range.last)
        }
    }

    /// `INSERT ... ON CONFLICT (key) DO UPDATE` that adds a batch's measures to a stored row.
    private static func upsertSQL(_ plan: AggregationPlan, _ definition: WorkloadDefinition) -> String {
        let aggregation = plan.aggregation
        let groups = plan.groups.map { definition.fields[$0.index].column }
        let columns = [aggregation.windowColumn] + groups + ["topic", "partition"] + aggregation.measures.map(\.name) + ["updated_at"]
        let key = [aggregation.windowColumn, "topic", "partition"] + groups
        let updates = aggregation.measures.map { measure -> String in
            let name = measure.name
            switch measure.kind {
            case .count, .sum: return "\(name) = \(name) + excluded.\(name)"
            case .min: return "\(name) = coalesce(min(\(name), excluded.\(name)), \(name), excluded.\(name))"
            case .max: return "\(name) = coalesce(max(\(name), excluded.\(name)), \(name), excluded.\(name))"
            }
        } + ["updated_at = excluded.updated_at"]
        return "INSERT INTO \(aggregation.table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", "))) "
            + "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
    }
}

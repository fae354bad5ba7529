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
/// the tables move with their partitions.
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
    /// The events table, when it keeps every field the output publishes: an outbox row then names the
    /// events' rows instead of carrying the messages (``StagedOutput``).
    private let outputNamedIn: PartitionedTable?
    /// Its messages are published, or go to the changelog (in events rows, or as the groups of the
    /// aggregations' rows): a larger one than ``RecordSizeLimit`` allows fails as `too_large`, as in the
    /// built-in workload.
    private let limitsEventSize: Bool
    private let now: @Sendable () -> Int64

    /// A class, as ``FieldRule`` is: each message reads every plan.
    final class AggregationPlan: Sendable {
        let aggregation: Aggregation
        let time: Int
        let groups: [WindowRows.Group]
        /// How each measure combines, and its field (nil for a count).
        let measures: [(combine: MeasureValue.Combine, field: Int?)]

        init(aggregation: Aggregation, time: Int, groups: [WindowRows.Group], measures: [(combine: MeasureValue.Combine, field: Int?)]) {
            self.aggregation = aggregation
            self.time = time
            self.groups = groups
            self.measures = measures
        }
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
                    let missing = field.defaultValue.flatMap { DeclaredValue(default: $0, of: field) } ?? .null
                    return WindowRows.Group(field: index(name), missing: ColumnValue.encoded(missing))
                },
                measures: aggregation.measures.map { (MeasureValue.Combine($0.kind), $0.field.map(index)) }
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
        outputNamedIn = definition.events.flatMap { events in
            guard publishes, let output = definition.output, Set(output.fields + [output.key]).isSubset(of: events.fields) else { return nil }
            return schema.partitionedTables.first { $0.name == events.table }
        }
        limitsEventSize = publishing != nil || attributesPartitions
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
        var batch = DeclaredBatch(measures: plans.map(\.measures.count))
        batch.output = StagedOutput(namedIn: outputNamedIn)
        if definition.events != nil {
            batch.events.reserveCapacity(capacity)
            batch.values.reserveCapacity(messages: capacity, fields: definition.fields.count)
        }
        return batch
    }

    public func stage(_ message: IncomingMessage, into batch: inout DeclaredBatch) -> WorkloadFailure? {
        if limitsEventSize, let tooLarge = RecordSizeLimit.failure(message) { return tooLarge }
        let mark = batch.values.mark
        if let failure = parser.parse(message.value, into: &batch.values) { return failure }
        let first = mark.first
        let cutoffs = lateBefore(&batch)
        let topic = attributesPartitions ? batch.topicIndex(message.topic) : -1
        let partition = attributesPartitions ? message.partition : -1
        // Every window is checked before any is counted: a late message counts nowhere.
        for (plan, cutoff) in zip(plans, cutoffs) {
            guard let cutoff, let start = windowStart(plan, batch.values, first), start < cutoff else { continue }
            batch.values.truncate(to: mark)
            return WorkloadFailure(
                errorClass: "late",
                reason: "the message's window \(ISO8601UTC.format(start)) "
                    + "of \(plan.aggregation.table) is older than it keeps; reprocess it after lengthening its retention or lateness"
            )
        }
        // A copy of the values while the rows and the output read them; it ends before the values are truncated, so that
        // truncating them copies nothing.
        do {
            let values = batch.values
            for (index, plan) in plans.enumerated() {
                guard let start = windowStart(plan, values, first) else { continue }
                let row = batch.windows[index].row(start: start, topic: topic, partition: partition, groups: plan.groups, of: values, first: first)
                for (position, measure) in plan.measures.enumerated() {
                    let part = MeasureValue(measure.combine, cell: measure.field.map { values.cells[first + $0] })
                    batch.windows[index].add(part, measure.combine, row: row, position: position)
                }
            }
            if let publishing {
                Self.withKey(values, first + publishing.key) { key in
                    batch.output.append(topic: message.topic, partition: message.partition, offset: message.offset, key: key) {
                        publishing.encoder.append(values, first: first, to: &$0)
                    }
                }
            }
        }
        if definition.events != nil {
            batch.events.append(.init(topic: batch.topicIndex(message.topic), partition: message.partition, offset: message.offset))
        } else {
            batch.values.truncate(to: mark)
        }
        return nil
    }

    /// The start of the window of `plan` that the message whose first cell is `first` falls in.
    private func windowStart(_ plan: AggregationPlan, _ values: StagedValues, _ first: Int) -> Int64? {
        guard case .integer(let time) = values.cells[first + plan.time] else { return nil }
        let window = plan.aggregation.windowSeconds
        return time - ((time % window) + window) % window
    }

    /// The output record's key: the key field's text, or its number as text; nil when it has none.
    private static func withKey(_ values: StagedValues, _ index: Int, _ body: (UnsafeRawBufferPointer?) -> Void) {
        switch values.cells[index] {
        case .null: body(nil)
        case .text(let start, let count): values.withText { body($0[cell: start, count]) }
        case .integer(let value): withDecimalText(value) { body(UnsafeRawBufferPointer($0)) }
        case .real(let value):
            var text = String(value)
            text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
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

    public func rowsWritten(by batch: DeclaredBatch) -> [(table: String, rows: Int)] {
        (definition.events.map { [($0.table, batch.events.count)] } ?? []) + zip(plans, batch.windows).map { ($0.aggregation.table, $1.count) }
    }

    /// The messages of the events' rows `ranges` name, made again as staging made them.
    public func outputRecords(_ db: Database, topic: String, partition: Int32, named ranges: [RowRange]) throws -> OutputRecords {
        guard let table = outputNamedIn, let publishing else {
            throw EngineError("an outbox row names output rows of \(topic)[\(partition)], which the workload \(definition.name) does not name")
        }
        let columns = ["offset"] + eventFields.map { definition.fields[$0].column }
        let select = try BatchStatement(
            db,
            sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table.name) WHERE topic = ? AND partition = ? AND offset >= ? AND offset < ? ORDER BY offset"
        )
        var records = OutputRecords()
        let types = eventFields.map { definition.fields[$0].type }
        // One message's values at a time, in buffers kept from row to row.
        var values = StagedValues()
        let empty = values.mark
        for range in ranges {
            guard range.table == table.name else {
                throw EngineError("an outbox row names output rows of \(range.table), which the workload \(definition.name) does not publish from")
            }
            select.bind(topic, at: 1)
            select.bind(Int64(partition), at: 2)
            select.bind(range.from, at: 3)
            select.bind(range.to, at: 4)
            try select.forEachRow { row in
                values.truncate(to: empty)
                values.appendNulls(definition.fields.count)
                for (position, field) in eventFields.enumerated() {
                    let column = Int32(position + 1)
                    guard !row.isNull(column) else { continue }
                    switch types[position] {
                    case .string: values.setText(row.bytes(column)!, at: field)
                    case .number: values.set(.real(row.double(column)), at: field)
                    default: values.set(.integer(row.integer(column)), at: field)
                    }
                }
                Self.withKey(values, publishing.key) { key in
                    records.append(offset: row.integer(0), key: key) { publishing.encoder.append(values, first: 0, to: &$0) }
                }
                return true
            }
        }
        return records
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
            let width = definition.fields.count
            try batch.values.withText { text in
                for (index, event) in batch.events.enumerated() {
                    let first = index * width
                    let topicName = batch.topics[Int(event.topic)]
                    var topic = topicName
                    // Bound in place (not copied by SQLite), so the row runs while the topic's bytes are at hand.
                    try topic.withUTF8 { topic in
                        insert.bind(text: UnsafeRawBufferPointer(topic), at: 1)
                        insert.bind(Int64(event.partition), at: 2)
                        insert.bind(event.offset, at: 3)
                        for (position, field) in eventFields.enumerated() {
                            ColumnValue(batch.values.cells[first + field], text: text).bind(to: insert, at: Int32(position + 4))
                        }
                        try insert.run()
                    }
                    changes?.record(topic: topicName, partition: event.partition) { set in
                        set.upsert(table)
                        set.append(topicName)
                        set.append(Int64(event.partition))
                        set.append(event.offset)
                        for field in eventFields { ColumnValue(batch.values.cells[first + field], text: text).append(to: &set) }
                    }
                }
            }
            if let eventTime {
                try eventTime.map.write(Self.minutes(of: batch, time: eventTime.field, width: width), to: db, changes: changes)
            }
        }
        for (plan, windows) in zip(plans, batch.windows) where !windows.isEmpty {
            let table = partitionedTables.first { $0.name == plan.aggregation.table }!
            let upsert = try BatchStatement(db, sql: Self.upsertSQL(plan, definition))
            try windows.forEach { row, groups, measures in
                let topic = row.topic < 0 ? "" : batch.topics[Int(row.topic)]
                var position: Int32 = 1
                func next() -> Int32 {
                    defer { position += 1 }
                    return position
                }
                upsert.bind(row.start, at: next())
                ColumnValue.forEach(in: groups) { $0.bind(to: upsert, at: next()) }
                upsert.bind(topic, at: next())
                upsert.bind(Int64(row.partition), at: next())
                for measure in measures { measure.column.bind(to: upsert, at: next()) }
                upsert.bind(now, at: next())
                try upsert.run()
                // The increment, which adds up (or takes the smaller, the larger) at restore.
                changes?.record(topic: topic, partition: row.partition) { set in
                    set.merge(table)
                    set.append(row.start)
                    ColumnValue.forEach(in: groups) { $0.append(to: &set) }
                    set.append(topic)
                    set.append(Int64(row.partition))
                    for measure in measures { measure.column.append(to: &set) }
                    set.append(now)
                }
            }
        }
    }

    /// The batch's rows of the minutes map: the lowest and highest offset of each minute's events per block.
    private static func minutes(of batch: DeclaredBatch, time: Int, width: Int) -> [EventMinutesMap.Entry] {
        struct Key: Hashable {
            var minute: Int64
            var topic: Int32
            var partition: Int32
            var block: Int64
        }
        var ranges: [Key: (first: Int64, last: Int64)] = [:]
        for (index, event) in batch.events.enumerated() {
            guard case .integer(let seconds) = batch.values.cells[index * width + time] else { continue }
            let key = Key(minute: seconds - seconds % 60, topic: event.topic, partition: event.partition, block: event.offset / EventMinutesMap.blockSize)
            let range = ranges[key] ?? (event.offset, event.offset)
            ranges[key] = (min(range.first, event.offset), max(range.last, event.offset))
        }
        return ranges.map { key, range in
            EventMinutesMap.Entry(
                minuteStart: key.minute, topic: batch.topics[Int(key.topic)], partition: key.partition, block: key.block, first: range.first, last: range.last
            )
        }
    }

    /// `INSERT ... ON CONFLICT (key) DO UPDATE` that adds a batch's measures to a stored row.
    private static func upsertSQL(_ plan: AggregationPlan, _ definition: WorkloadDefinition) -> String {
        let aggregation = plan.aggregation
        let groups = plan.groups.map { definition.fields[$0.field].column }
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

import Primitives
import Store
import Yams

/// Reads `events`, `aggregations` and `output`, whose every field name must be one of `fields`.
struct TableReader {
    let errors: DefinitionErrors
    let fields: [DeclaredField]
    private var scalars: FieldReader { FieldReader(errors: errors) }

    init(errors: DefinitionErrors, fields: [DeclaredField]) {
        self.errors = errors
        self.fields = fields
    }

    /// The columns every events table has before its fields.
    static let eventColumns = ["topic", "partition", "offset"]
    /// The columns every aggregation has besides its window, groups and measures.
    static let aggregationColumns = ["topic", "partition", "updated_at"]

    func events(_ node: Node, at key: String) throws(DefinitionError) -> EventsTable {
        var mapping = try MappingNode(node, at: key, errors)
        let table = try scalars.identifier(try mapping.required("table", "the table's name, such as order_events"), at: mapping.path("table"))
        let names = try mapping.optional("fields").map { node throws(DefinitionError) in try fieldList(node, at: mapping.path("fields")) }
            ?? fields.map(\.name)
        for name in names {
            let column = field(name).column
            if Self.eventColumns.contains(column) {
                throw errors.at(node, mapping.path("fields"), "`\(name)`'s column `\(column)` is one Eddy adds to every events table; give the field another `column`")
            }
        }
        let timeNode = mapping.optional("time")
        let time = try timeNode.map { node throws(DefinitionError) in try timeField(node, at: mapping.path("time")) }
        let retentionNode = mapping.optional("retention")
        let retention = try retentionNode.map { node throws(DefinitionError) in try scalars.retention(node, at: mapping.path("retention")) } ?? nil
        if retention != nil, time == nil {
            throw errors.at(retentionNode!, mapping.path("retention"), "needs `time`: the field whose time retention goes by")
        }
        if let time, !names.contains(time) {
            throw errors.at(timeNode!, mapping.path("time"), "`\(time)` must also be one of the table's `fields`")
        }
        let minutes = try mapping.optional("minutes_table").map { node throws(DefinitionError) in
            try scalars.identifier(node, at: mapping.path("minutes_table"))
        } ?? "\(table)_minutes"
        try mapping.finish()
        return EventsTable(table: table, fields: names, time: time, retentionSeconds: retention, minutesTable: minutes)
    }

    func aggregations(_ node: Node, at key: String) throws(DefinitionError) -> [Aggregation] {
        guard case .sequence(let sequence) = node else {
            throw errors.at(node, key, "must be a list of aggregations (each item starting with `- table:`); got \(node.kindName)")
        }
        var aggregations: [Aggregation] = []
        for (index, item) in sequence.enumerated() {
            aggregations.append(try aggregation(item, at: "\(key)[\(index)]"))
        }
        return aggregations
    }

    private func aggregation(_ node: Node, at key: String) throws(DefinitionError) -> Aggregation {
        var mapping = try MappingNode(node, at: key, errors)
        let table = try scalars.identifier(try mapping.required("table", "the table's name, such as order_totals"), at: mapping.path("table"))
        let windowNode = try mapping.required("window", "the size of its tumbling windows, such as 1m or 1h")
        let window = try windowSeconds(windowNode, at: mapping.path("window"))
        let time = try timeField(try mapping.required("time", "the field whose time puts a message in a window"), at: mapping.path("time"))
        let windowColumn = try mapping.optional("window_column").map { node throws(DefinitionError) in
            try scalars.identifier(node, at: mapping.path("window_column"))
        } ?? "window_start"
        let groupNode = mapping.optional("group_by")
        let groupBy = try groupNode.map { node throws(DefinitionError) in try fieldList(node, at: mapping.path("group_by")) } ?? []
        for (index, name) in groupBy.enumerated() {
            try checkGroup(field(name), groupNode!, at: "\(mapping.path("group_by"))[\(index)]")
        }
        let measures = try self.measures(try mapping.required("measures", "what to compute per window and group, such as `orders: count`"), at: mapping.path("measures"))
        let retention = try mapping.optional("retention").map { node throws(DefinitionError) in
            try scalars.retention(node, at: mapping.path("retention"))
        } ?? nil
        let lateness = try mapping.optional("lateness").map { node throws(DefinitionError) in try scalars.seconds(node, at: mapping.path("lateness")) }
        try mapping.finish()
        var columns = [windowColumn] + Self.aggregationColumns
        for column in groupBy.map({ field($0).column }) + measures.map(\.name) {
            guard !columns.contains(column) else {
                throw errors.at(node, key, "the column `\(column)` would appear twice in \(table); rename a measure or give a field another `column`")
            }
            columns.append(column)
        }
        return Aggregation(
            table: table, windowSeconds: window, time: time, windowColumn: windowColumn, groupBy: groupBy, measures: measures,
            retentionSeconds: retention, latenessSeconds: lateness
        )
    }

    private func windowSeconds(_ node: Node, at key: String) throws(DefinitionError) -> Int64 {
        if case .scalar(let scalar) = node, let milliseconds = DurationText.milliseconds(scalar.string), milliseconds == 0 {
            throw errors.at(node, key, "a window of 0 holds no time; give its size, such as 1m or 1h")
        }
        return try scalars.seconds(node, at: key)
    }

    private func checkGroup(_ field: DeclaredField, _ node: Node, at key: String) throws(DefinitionError) {
        guard field.type != .number else {
            throw errors.at(node, key, "`\(field.name)` is a number (a double): group by an integer, digits, decimal, string or boolean field")
        }
        guard field.required || field.defaultValue != nil else {
            throw errors.at(node, key, "`\(field.name)` may be missing: give it a `default` to group such messages under (such as unknown), or make it required")
        }
    }

    private func measures(_ node: Node, at key: String) throws(DefinitionError) -> [Measure] {
        let mapping = try MappingNode(node, at: key, errors)
        guard !mapping.entries.isEmpty else { throw errors.at(node, key, "needs at least one measure, such as `orders: count`") }
        var measures: [Measure] = []
        for (name, value) in mapping.entries {
            let measureKey = mapping.path(name)
            try scalars.checkIdentifier(name, value, at: measureKey)
            measures.append(Measure(name: name, kind: try measureKind(value, at: measureKey)))
        }
        return measures
    }

    private func measureKind(_ node: Node, at key: String) throws(DefinitionError) -> Measure.Kind {
        if case .scalar(let scalar) = node {
            guard scalar.string == "count" else {
                throw errors.at(node, key, "`\(scalar.string)` is not a measure: write `count`, or `{sum: field}`, `{min: field}`, `{max: field}`")
            }
            return .count
        }
        var mapping = try MappingNode(node, at: key, errors)
        let kinds: [(name: String, make: (String) -> Measure.Kind, numericOnly: Bool)] = [
            ("sum", Measure.Kind.sum, true), ("min", Measure.Kind.min, false), ("max", Measure.Kind.max, false),
        ]
        if let distinct = mapping.optional("distinct_count") {
            throw errors.at(distinct, mapping.path("distinct_count"), "cannot be declared yet (docs/workloads.md#what-cannot-be-declared-yet)")
        }
        let given = kinds.compactMap { kind in mapping.optional(kind.name).map { (kind, $0) } }
        try mapping.finish()
        guard given.count == 1, let (kind, fieldNode) = given.first else {
            throw errors.at(node, key, "must be `count` or one of {sum: field}, {min: field}, {max: field}")
        }
        let field = field(try fieldName(fieldNode, at: mapping.path(kind.name)))
        if kind.numericOnly ? !field.type.isNumeric : !(field.type.isNumeric || field.type.isTime) {
            let wanted = kind.numericOnly ? "a numeric field (integer, number, digits, decimal)" : "a numeric or time field"
            throw errors.at(fieldNode, mapping.path(kind.name), "\(kind.name) needs \(wanted); `\(field.name)` is \(field.type.rawValue)")
        }
        return kind.make(field.name)
    }

    func output(_ node: Node, at key: String) throws(DefinitionError) -> OutputDeclaration {
        var mapping = try MappingNode(node, at: key, errors)
        let topicNode = try mapping.required("topic", "the Kafka topic to publish to")
        let topic = try scalars.string(topicNode, at: mapping.path("topic"))
        guard !topic.isEmpty else { throw errors.at(topicNode, mapping.path("topic"), "is empty") }
        let keyField = try fieldName(try mapping.required("key", "the field whose value keys each record"), at: mapping.path("key"))
        let names = try mapping.optional("fields").map { node throws(DefinitionError) in try fieldList(node, at: mapping.path("fields")) }
            ?? fields.map(\.name)
        try mapping.finish()
        return OutputDeclaration(topic: topic, key: keyField, fields: names)
    }

    /// Two of the workload's tables with one name, or one with the name of an engine table.
    func checkDistinctTables(_ definition: WorkloadDefinition, _ root: Node) throws(DefinitionError) {
        var names = Set<String>()
        let tables = [definition.events?.table, definition.events?.minutesTable].compactMap { $0 } + definition.aggregations.map(\.table)
        for table in tables {
            guard !EngineTables.names.contains(table), table != DeclaredMigrationPlan.recordTable else { throw errors.at(root.mark, "", "the table name `\(table)` is Eddy's own; choose another") }
            guard names.insert(table).inserted else { throw errors.at(root.mark, "", "two tables are named `\(table)`; name each one differently") }
        }
    }

    // MARK: Field references

    private func fieldName(_ node: Node, at key: String) throws(DefinitionError) -> String {
        let name = try scalars.string(node, at: key)
        guard fields.contains(where: { $0.name == name }) else {
            throw errors.at(node, key, "`\(name)` is not a declared field; the fields are \(fields.map(\.name).joined(separator: ", "))")
        }
        return name
    }

    private func fieldList(_ node: Node, at key: String) throws(DefinitionError) -> [String] {
        let names = try scalars.strings(node, at: key)
        guard case .sequence(let items) = node else { return names }
        for (index, item) in items.enumerated() { _ = try fieldName(item, at: "\(key)[\(index)]") }
        return names
    }

    private func timeField(_ node: Node, at key: String) throws(DefinitionError) -> String {
        let field = field(try fieldName(node, at: key))
        guard field.type.isTime else {
            throw errors.at(node, key, "`\(field.name)` is \(field.type.rawValue): a time field is unix-seconds or rfc3339")
        }
        guard field.required else { throw errors.at(node, key, "`\(field.name)` must be required: a message without a time has no window") }
        return field.name
    }

    /// The declared field `name`, which the caller checked.
    private func field(_ name: String) -> DeclaredField {
        fields.first { $0.name == name }!
    }
}

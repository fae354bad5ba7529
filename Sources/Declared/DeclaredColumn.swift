/// One column of a declared table, as its `CREATE TABLE` says it.
public struct DeclaredColumn: Sendable, Equatable, Codable {
    public var name: String
    /// `TEXT`, `INTEGER` or `REAL`.
    public var type: String
    public var notNull: Bool
    /// What the column holds, for the printed SQL; not part of the schema.
    public var comment: String?
    /// The value rows that exist already get when the column is added to the table later (a count or a
    /// sum starts at 0); `nil` when it is NULL for them, which needs the column to allow NULL.
    public var addedDefault: String?

    init(_ name: String, _ type: String, notNull: Bool = true, comment: String? = nil, addedDefault: String? = nil) {
        self.name = name
        self.type = type
        self.notNull = notNull
        self.comment = comment
        self.addedDefault = addedDefault
    }

    /// The same column, as far as the database is concerned.
    func isSameColumn(as other: DeclaredColumn) -> Bool {
        name == other.name && type == other.type && notNull == other.notNull
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
        case .count: self.init(measure.name, "INTEGER", comment: "messages", addedDefault: "0")
        case .sum(let name): self.init(measure.name, type, comment: "sum of \(name)\(units)", addedDefault: "0")
        case .min(let name): self.init(measure.name, type, notNull: false, comment: "smallest \(name)\(units)")
        case .max(let name): self.init(measure.name, type, notNull: false, comment: "largest \(name)\(units)")
        }
    }
}

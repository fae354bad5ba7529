import Foundation
import Primitives
import Yams

/// Reads the scalars of a workload file and its `fields` mapping.
struct FieldReader {
    let errors: DefinitionErrors

    /// The largest `scale` of a decimal: 10^18 units still fit a 64-bit integer.
    static let largestScale = 18

    // MARK: Scalars

    func string(_ node: Node, at key: String) throws(DefinitionError) -> String {
        guard case .scalar(let scalar) = node else { throw errors.at(node, key, "must be a single value, got \(node.kindName)") }
        return scalar.string
    }

    func strings(_ node: Node, at key: String) throws(DefinitionError) -> [String] {
        guard case .sequence(let sequence) = node else { throw errors.at(node, key, "must be a list, such as [a, b]; got \(node.kindName)") }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            let value = try string(item, at: "\(key)[\(index)]")
            guard !value.isEmpty else { throw errors.at(item, "\(key)[\(index)]", "is empty") }
            guard !values.contains(value) else { throw errors.at(item, "\(key)[\(index)]", "`\(value)` is listed twice") }
            values.append(value)
        }
        return values
    }

    func bool(_ node: Node, at key: String) throws(DefinitionError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw errors.at(node, key, "must be true or false, got \(node.kindName)") }
        return value
    }

    func integer(_ node: Node, at key: String) throws(DefinitionError) -> Int {
        guard case .scalar = node, let value = node.int else { throw errors.at(node, key, "must be a whole number, got \(node.kindName)") }
        return value
    }

    func number(_ node: Node, at key: String) throws(DefinitionError) -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite else { throw errors.at(node, key, "must be a number, got \(node.kindName)") }
        return value
    }

    /// A duration in whole seconds, more than 0.
    func seconds(_ node: Node, at key: String) throws(DefinitionError) -> Int64 {
        let text = try string(node, at: key)
        guard let milliseconds = DurationText.milliseconds(text) else {
            throw errors.at(node, key, "must be a duration such as 30s, 10m, 1h or 7d; got `\(text)`")
        }
        guard milliseconds > 0 else { throw errors.at(node, key, "must be more than 0; got `\(text)`") }
        guard milliseconds % 1_000 == 0 else { throw errors.at(node, key, "must be whole seconds; got `\(text)`") }
        return milliseconds / 1_000
    }

    /// A retention: a duration, or `off` to keep rows forever (`nil`).
    func retention(_ node: Node, at key: String) throws(DefinitionError) -> Int64? {
        if case .scalar(let scalar) = node, scalar.string.lowercased() == "off" { return nil }
        return try seconds(node, at: key)
    }

    /// A name that becomes part of SQL: a table or a column.
    func identifier(_ node: Node, at key: String) throws(DefinitionError) -> String {
        let text = try string(node, at: key)
        try checkIdentifier(text, node, at: key)
        return text
    }

    func checkIdentifier(_ text: String, _ node: Node, at key: String) throws(DefinitionError) {
        let valid = text.utf8.first.map { $0 == UInt8(ascii: "_") || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) } ?? false
            && text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
        guard valid, text.count <= 63, !text.hasPrefix("sqlite_") else {
            throw errors.at(node, key, "`\(text)` cannot name a table or column: use lower-case letters, digits and _, starting with a letter")
        }
    }

    /// The workload's name: letters, digits, `-` and `_`.
    func name(_ node: Node, at key: String) throws(DefinitionError) -> String {
        let text = try string(node, at: key)
        guard !text.isEmpty, text.count <= 63, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw errors.at(node, key, "`\(text)` cannot name a workload: use letters, digits, - and _")
        }
        return text
    }

    // MARK: Fields

    func fields(_ node: Node, at key: String) throws(DefinitionError) -> [DeclaredField] {
        let mapping = try MappingNode(node, at: key, errors)
        guard !mapping.entries.isEmpty else { throw errors.at(node, key, "needs at least one field") }
        var fields: [DeclaredField] = []
        for (name, value) in mapping.entries {
            let fieldKey = mapping.path(name)
            try checkIdentifier(name, value, at: fieldKey)
            let field = try self.field(named: name, value, at: fieldKey)
            if let other = fields.first(where: { $0.column == field.column }) {
                throw errors.at(value, fieldKey, "its column `\(field.column)` is also `\(other.name)`'s; give one of them another `column`")
            }
            fields.append(field)
        }
        return fields
    }

    private func field(named name: String, _ node: Node, at key: String) throws(DefinitionError) -> DeclaredField {
        var mapping = try MappingNode(node, at: key, errors)
        let typeNode = try mapping.required("type", "one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
        let typeName = try string(typeNode, at: mapping.path("type"))
        guard let type = FieldType(rawValue: typeName) else {
            throw errors.at(typeNode, mapping.path("type"), "`\(typeName)` is not a type; the types are \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let path = try mapping.optional("path").map { node throws(DefinitionError) in try string(node, at: mapping.path("path")) } ?? name
        let column = try mapping.optional("column").map { node throws(DefinitionError) in try identifier(node, at: mapping.path("column")) } ?? name
        let scale = try self.scale(&mapping, type)
        let required = try mapping.optional("required").map { node throws(DefinitionError) in try bool(node, at: mapping.path("required")) } ?? false
        var defaultValue: String?
        if let node = mapping.optional("default") {
            defaultValue = try self.defaultValue(node, type, scale, required: required, at: mapping.path("default"))
        }
        let checks = try mapping.optional("checks").map { node throws(DefinitionError) in try self.checks(node, type, at: mapping.path("checks")) } ?? []
        try mapping.finish()
        return DeclaredField(
            name: name, path: path, column: column, type: type, scale: scale, required: required, defaultValue: defaultValue, checks: checks
        )
    }

    private func scale(_ mapping: inout MappingNode, _ type: FieldType) throws(DefinitionError) -> Int {
        guard let node = mapping.optional("scale") else {
            guard type != .decimal else { throw errors.at(mapping.mark, mapping.key, "a decimal needs `scale`: the digits kept after the point (2 for cents)") }
            return 0
        }
        guard type == .decimal else { throw errors.at(node, mapping.path("scale"), "only a decimal has a scale; this field is \(type.rawValue)") }
        let scale = try integer(node, at: mapping.path("scale"))
        guard (0...Self.largestScale).contains(scale) else { throw errors.at(node, mapping.path("scale"), "must be 0 to \(Self.largestScale); got \(scale)") }
        return scale
    }

    private func defaultValue(_ node: Node, _ type: FieldType, _ scale: Int, required: Bool, at key: String) throws(DefinitionError) -> String {
        guard !required else { throw errors.at(node, key, "a required field is never missing: drop `default` or `required`") }
        let text = try string(node, at: key)
        let fits: Bool =
            switch type {
            case .string: true
            case .integer, .digits: Int64(text) != nil
            case .number: Double(text)?.isFinite ?? false
            case .boolean: text == "true" || text == "false"
            case .decimal: DecimalValue.units(text, scale: scale) != nil
            case .unixSeconds, .rfc3339: false
            }
        guard fits else {
            throw errors.at(node, key, type.isTime ? "a time field has no default: make it required" : "`\(text)` is not a value of type \(type.rawValue)")
        }
        return text
    }

    private func checks(_ node: Node, _ type: FieldType, at key: String) throws(DefinitionError) -> [FieldCheck] {
        var mapping = try MappingNode(node, at: key, errors)
        var checks: [FieldCheck] = []
        func requireType(_ wanted: Bool, _ node: Node, _ name: String, _ kind: String) throws(DefinitionError) {
            guard wanted else { throw errors.at(node, mapping.path(name), "applies to \(kind) fields only; this field is \(type.rawValue)") }
        }
        if let node = mapping.optional("non_empty") {
            try requireType(type == .string, node, "non_empty", "string")
            if try bool(node, at: mapping.path("non_empty")) { checks.append(.nonEmpty) }
        }
        if let node = mapping.optional("one_of") {
            try requireType(type == .string, node, "one_of", "string")
            let values = try strings(node, at: mapping.path("one_of"))
            guard !values.isEmpty else { throw errors.at(node, mapping.path("one_of"), "needs at least one value") }
            checks.append(.oneOf(values))
        }
        if let node = mapping.optional("max_length") {
            try requireType(type == .string, node, "max_length", "string")
            let length = try integer(node, at: mapping.path("max_length"))
            guard length > 0 else { throw errors.at(node, mapping.path("max_length"), "must be more than 0; got \(length)") }
            checks.append(.maxLength(length))
        }
        let minNode = mapping.optional("min")
        let maxNode = mapping.optional("max")
        if minNode != nil || maxNode != nil {
            let bound = (minNode ?? maxNode)!
            try requireType(type.isNumeric, bound, minNode != nil ? "min" : "max", "numeric (integer, number, digits, decimal)")
            let low = try minNode.map { node throws(DefinitionError) in try number(node, at: mapping.path("min")) }
            let high = try maxNode.map { node throws(DefinitionError) in try number(node, at: mapping.path("max")) }
            if let low, let high, low > high { throw errors.at(maxNode!, mapping.path("max"), "is less than `min` (\(low)): nothing could pass") }
            checks.append(.range(min: low, max: high))
        }
        try mapping.finish()
        return checks
    }
}

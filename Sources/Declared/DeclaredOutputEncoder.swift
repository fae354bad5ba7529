import Primitives

/// The JSON object published for a valid message: each output field under its member's name (null where
/// missing); a time field as unix seconds, and also as ISO-8601 UTC text under its column's name when that
/// differs (`"timestamp":1694479551,"event_time":"2023-09-12T00:45:51Z"`, as the built-in workload
/// publishes); a decimal as its decimal text; a boolean as true or false.
struct DeclaredOutputEncoder: Sendable {
    /// One published field, its member names written once as JSON.
    private struct Member: Sendable {
        var index: Int
        var type: FieldType
        var scale: Int
        /// `"path":`, after a comma unless it is the first member.
        var name: [UInt8]
        /// `,"column":` for a time field also published as ISO-8601 text.
        var timeName: [UInt8]?
    }

    private let members: [Member]

    init(_ definition: WorkloadDefinition, _ output: OutputDeclaration) {
        let fields = output.fields.compactMap { name in definition.fields.firstIndex { $0.name == name } }
        members = fields.enumerated().map { position, index in
            let field = definition.fields[index]
            return Member(
                index: index, type: field.type, scale: field.scale, name: Self.name(field.path, comma: position > 0),
                timeName: field.type.isTime && field.column != field.path ? Self.name(field.column, comma: true) : nil
            )
        }
    }

    private static func name(_ name: String, comma: Bool) -> [UInt8] {
        var bytes: [UInt8] = comma ? [UInt8(ascii: ",")] : []
        var name = name
        name.withUTF8 { JSONStringWriter.append(UnsafeRawBufferPointer($0), to: &bytes) }
        bytes.append(UInt8(ascii: ":"))
        return bytes
    }

    /// Appends the JSON object of the message whose first cell in `values` is `first`.
    func append(_ values: StagedValues, first: Int, to out: inout [UInt8]) {
        values.withText { text in
            out.append(UInt8(ascii: "{"))
            for member in members {
                let cell = values.cells[first + member.index]
                out += member.name
                Self.append(cell, member.type, member.scale, text, to: &out)
                if let timeName = member.timeName, case .integer(let seconds) = cell {
                    out += timeName
                    out.append(UInt8(ascii: "\""))
                    ISO8601UTC.append(seconds, to: &out)
                    out.append(UInt8(ascii: "\""))
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func append(_ cell: StagedValues.Cell, _ type: FieldType, _ scale: Int, _ text: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        switch cell {
        case .null:
            out += "null".utf8
        case .text(let start, let count):
            JSONStringWriter.append(text[cell: start, count], to: &out)
        case .real(let number):
            out += (number.isFinite ? "\(number)" : "null").utf8
        case .integer(let integer):
            switch type {
            case .boolean: out += (integer == 0 ? "false" : "true").utf8
            case .decimal: out += DecimalValue.text(integer, scale: scale).utf8
            default: withDecimalText(integer) { out.append(contentsOf: $0) }
            }
        }
    }
}

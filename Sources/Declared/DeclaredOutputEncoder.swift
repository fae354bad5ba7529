import Primitives

/// The JSON object published for a valid message: each output field under its member's name (null where
/// missing); a time field as unix seconds, and also as ISO-8601 UTC text under its column's name when that
/// differs (`"timestamp":1694479551,"event_time":"2023-09-12T00:45:51Z"`, as the built-in workload
/// publishes); a decimal as its decimal text; a boolean as true or false.
struct DeclaredOutputEncoder: Sendable {
    private let fields: [(index: Int, field: DeclaredField)]

    init(_ definition: WorkloadDefinition, _ output: OutputDeclaration) {
        fields = output.fields.compactMap { name in
            definition.fields.firstIndex { $0.name == name }.map { ($0, definition.fields[$0]) }
        }
    }

    /// Appends the JSON object of the message whose first cell in `values` is `first`.
    func append(_ values: StagedValues, first firstCell: Int, to out: inout [UInt8]) {
        values.withText { text in
            out.append(UInt8(ascii: "{"))
            var first = true
            func member(_ name: String) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                var name = name
                name.withUTF8 { JSONStringWriter.append(UnsafeRawBufferPointer($0), to: &out) }
                out.append(UInt8(ascii: ":"))
            }
            for (index, field) in fields {
                let cell = values.cells[firstCell + index]
                member(field.path)
                Self.append(cell, field, text, to: &out)
                if field.type.isTime, field.column != field.path, case .integer(let seconds) = cell {
                    member(field.column)
                    out.append(UInt8(ascii: "\""))
                    ISO8601UTC.append(seconds, to: &out)
                    out.append(UInt8(ascii: "\""))
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func append(_ cell: StagedValues.Cell, _ field: DeclaredField, _ text: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        switch cell {
        case .null:
            out += "null".utf8
        case .text(let start, let count):
            JSONStringWriter.append(text[cell: start, count], to: &out)
        case .real(let number):
            out += (number.isFinite ? "\(number)" : "null").utf8
        case .integer(let integer):
            switch field.type {
            case .boolean: out += (integer == 0 ? "false" : "true").utf8
            case .decimal: out += DecimalValue.text(integer, scale: field.scale).utf8
            default: withDecimalText(integer) { out.append(contentsOf: $0) }
            }
        }
    }
}

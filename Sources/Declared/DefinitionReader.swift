import Foundation
import Primitives
import Store
import Yams

/// Reads a workload file (YAML; JSON is YAML too) into a ``WorkloadDefinition``, checking as it goes
/// that every key is known, every value has its type, and every name refers to something declared:
/// the first problem found is thrown, with its line and key.
public enum DefinitionReader {
    /// Reads the file at `path`.
    /// - Throws: `DefinitionError` naming the line and the key at fault.
    public static func read(file path: String) throws(DefinitionError) -> WorkloadDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DefinitionError(file: path, key: "", message: "cannot be read: \(error.localizedDescription)")
        }
        return try read(text, file: path)
    }

    /// Reads `yaml`, the text of the file `file` (named in errors).
    /// - Throws: `DefinitionError` naming the line and the key at fault.
    public static func read(_ yaml: String, file: String) throws(DefinitionError) -> WorkloadDefinition {
        let errors = DefinitionErrors(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.syntaxError(error, errors)
        } catch {
            throw DefinitionError(file: file, key: "", message: "is not YAML: \(error)")
        }
        guard let root else { throw DefinitionError(file: file, line: 1, key: "", message: "is empty; docs/workloads.md shows what it holds") }
        var top = try MappingNode(root, at: "", errors)
        let reader = FieldReader(errors: errors)
        let name = try reader.name(try top.required("name", "the workload's name, such as orders"), at: "name")
        let topics = try readSource(&top, reader)
        let fields = try reader.fields(try top.required("fields", "the members of each JSON message, by name"), at: "fields")
        let tables = TableReader(errors: errors, fields: fields)
        let events = try top.optional("events").map { node throws(DefinitionError) in try tables.events(node, at: "events") }
        let aggregations = try top.optional("aggregations").map { node throws(DefinitionError) in
            try tables.aggregations(node, at: "aggregations")
        } ?? []
        let output = try top.optional("output").map { node throws(DefinitionError) in try tables.output(node, at: "output") }
        try top.finish()
        let definition = WorkloadDefinition(
            name: name, topics: topics, fields: fields, events: events, aggregations: aggregations, output: output
        )
        guard events != nil || !aggregations.isEmpty || output != nil else {
            throw errors.at(root.mark, "", "declares nothing to keep: add `events`, `aggregations` or `output`")
        }
        try tables.checkDistinctTables(definition, root)
        return definition
    }

    private static func readSource(_ top: inout MappingNode, _ reader: FieldReader) throws(DefinitionError) -> [String] {
        var source = try MappingNode(try top.required("source", "the topics to consume"), at: "source", reader.errors)
        let topicsNode = try source.required("topics", "the Kafka topics to consume, such as [orders]")
        let topics = try reader.strings(topicsNode, at: source.path("topics"))
        guard !topics.isEmpty else { throw reader.errors.at(topicsNode, source.path("topics"), "needs at least one topic") }
        if let format = source.optional("format") {
            let text = try reader.string(format, at: source.path("format"))
            guard text == "json" else {
                throw reader.errors.at(format, source.path("format"), "only `json` (one JSON object per message) can be declared yet; got `\(text)`")
            }
        }
        try source.finish()
        return topics
    }

    private static func syntaxError(_ error: YamlError, _ errors: DefinitionErrors) -> DefinitionError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            errors.at(mark, "", "is not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            errors.at(context.mark, "", "repeats the key \(duplicates.map { "`\($0)`" }.joined(separator: ", "))")
        default:
            DefinitionError(file: errors.file, key: "", message: "is not valid YAML: \(error)")
        }
    }
}

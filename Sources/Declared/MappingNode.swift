import Yams

/// A YAML mapping being read: its values by key, and the keys read so far, so that a key nobody read
/// (a typo, a key of another version) is an error rather than silently ignored.
struct MappingNode {
    let key: String
    let mark: Mark?
    private(set) var entries: [(name: String, node: Node)] = []
    /// Where each key is written.
    private var keyMarks: [String: Mark] = [:]
    private var read: Set<String> = []
    private let errors: DefinitionErrors

    /// - Throws: when `node` is not a mapping, or a key is not a plain string or repeats.
    init(_ node: Node, at key: String, _ errors: DefinitionErrors) throws(DefinitionError) {
        self.key = key
        self.mark = node.mark
        self.errors = errors
        guard case .mapping(let mapping) = node else { throw errors.at(node, key, "must be a mapping of keys to values, got \(node.kindName)") }
        for (name, value) in mapping {
            guard let text = name.string else { throw errors.at(name, key, "a key must be a plain string") }
            guard !entries.contains(where: { $0.name == text }) else { throw errors.at(name, Self.join(key, text), "is given twice") }
            entries.append((text, value))
            keyMarks[text] = name.mark
        }
    }

    /// The value of `name`, or `nil` when the mapping does not have it.
    mutating func optional(_ name: String) -> Node? {
        read.insert(name)
        return entries.first { $0.name == name }?.node
    }

    /// The value of `name`.
    /// - Throws: when the mapping does not have it, saying what it is for.
    mutating func required(_ name: String, _ purpose: String) throws(DefinitionError) -> Node {
        guard let node = optional(name) else { throw errors.at(mark, key, "needs `\(name)`: \(purpose)") }
        return node
    }

    /// The path of `name` under this mapping, for error messages.
    func path(_ name: String) -> String { Self.join(key, name) }

    /// - Throws: on the first key that was never read, naming the keys this mapping takes.
    func finish() throws(DefinitionError) {
        guard let unknown = entries.first(where: { !read.contains($0.name) }) else { return }
        let known = read.sorted().map { "`\($0)`" }.joined(separator: ", ")
        throw errors.at(keyMarks[unknown.name] ?? unknown.node.mark, path(unknown.name), "is not a key here; \(key.isEmpty ? "the file" : "`\(key)`") takes \(known)")
    }

    static func join(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : "\(parent).\(name)" }
}

/// Makes ``DefinitionError``s for one file.
struct DefinitionErrors {
    let file: String

    func at(_ node: Node, _ key: String, _ message: String) -> DefinitionError {
        at(node.mark, key, message)
    }

    func at(_ mark: Mark?, _ key: String, _ message: String) -> DefinitionError {
        DefinitionError(file: file, line: mark?.line, column: mark?.column, key: key, message: message)
    }
}

extension Node {
    /// What the node is, for "got ...".
    var kindName: String {
        switch self {
        case .scalar(let scalar): "`\(scalar.string)`"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

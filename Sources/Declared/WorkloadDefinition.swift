/// A workload declared in a file (`workloads/*.yaml`): the topics it reads, the fields of their JSON
/// messages, and the tables it keeps from them. Read and checked by ``DefinitionReader``; every name it
/// holds refers to something declared in it.
public struct WorkloadDefinition: Sendable, Equatable {
    public var name: String
    public var topics: [String]
    /// In the file's order, which is the order of their columns.
    public var fields: [DeclaredField]
    /// One row per valid message, when declared.
    public var events: EventsTable?
    public var aggregations: [Aggregation]
    public var output: OutputDeclaration?

    /// The field the file calls `name`.
    public func field(_ name: String) -> DeclaredField? {
        fields.first { $0.name == name }
    }
}

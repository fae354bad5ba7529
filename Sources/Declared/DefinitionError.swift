/// Why a workload file cannot be used: where (the line and column, and the key, such as
/// `aggregations[0].window`) and what to write instead.
public struct DefinitionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file as named by the user.
    public var file: String
    /// 1-based; `nil` when the problem is the whole file.
    public var line: Int?
    public var column: Int?
    /// The key at fault, as a path from the top of the file; empty for the whole file.
    public var key: String
    public var message: String

    /// `workloads/orders.yaml:14:13: aggregations[0].window: ...`
    public var description: String {
        let place = line.map { line in column.map { "\(line):\($0)" } ?? "\(line)" }.map { ":\($0)" } ?? ""
        return "\(file)\(place): \(key.isEmpty ? "" : "\(key): ")\(message)"
    }
}

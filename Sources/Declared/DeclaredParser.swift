import Engine
import JSONScanning

/// Reads a message's value as a workload file declares it: a JSON object whose declared members each
/// follow their field's type and checks. A value that is no JSON object fails as `malformed`; a member
/// that breaks its field's rule fails as `invalid`, with a reason that names it. The required fields
/// are checked first, then the others, each in the file's order (for `workloads/user-login.yaml`, the
/// order and the words of the built-in parser: a test compares them message by message).
public struct DeclaredParser: Sendable {
    private let fields: [DeclaredField]
    /// The JSON member of each field, as bytes, to compare keys with.
    private let paths: [[UInt8]]
    /// Field indices in the order their rules are checked.
    private let order: [Int]

    public init(_ definition: WorkloadDefinition) {
        fields = definition.fields
        paths = definition.fields.map { Array($0.path.utf8) }
        order = definition.fields.indices.filter { definition.fields[$0].required } + definition.fields.indices.filter { !definition.fields[$0].required }
    }

    /// The values of the declared fields, in the file's order, or why the message breaks a rule.
    public func parse(_ value: UnsafeRawBufferPointer?) -> Result<[DeclaredValue], WorkloadFailure> {
        var members = Members(paths: paths)
        switch JSONObjectMessage.scan(value, into: &members) {
        case .failure(let notAnObject):
            return .failure(WorkloadFailure(errorClass: "malformed", reason: notAnObject.reason))
        case .success(var scanner):
            var values = [DeclaredValue](repeating: .null, count: fields.count)
            for index in order {
                switch FieldRule(fields[index]).value(members.captured[index], &scanner) {
                case .success(let value): values[index] = value
                case .failure(let broken): return .failure(WorkloadFailure(errorClass: "invalid", reason: broken.reason))
                }
            }
            return .success(values)
        }
    }

    /// Convenience for tests and tools. `bytes` nil means a Kafka tombstone (null value).
    public func parse(_ bytes: [UInt8]?) -> Result<[DeclaredValue], WorkloadFailure> {
        guard let bytes else { return parse(nil as UnsafeRawBufferPointer?) }
        return bytes.withUnsafeBytes { parse($0) }
    }
}

/// The declared members of one message, as scanned.
private struct Members: JSONMemberCapture {
    let paths: [[UInt8]]
    var captured: [JSONCapturedValue?]

    init(paths: [[UInt8]]) {
        self.paths = paths
        captured = Array(repeating: nil, count: paths.count)
    }

    func slot(named name: JSONStringToken, _ scanner: inout JSONScanner) -> Int? {
        scanner.withUTF8(name) { key in paths.firstIndex { $0.elementsEqual(key) } }
    }

    mutating func capture(_ slot: Int, _ value: JSONCapturedValue) {
        captured[slot] = value
    }
}

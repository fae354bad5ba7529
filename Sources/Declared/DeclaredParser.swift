import Engine
import JSONScanning

/// Reads a message's value as a workload file declares it: a JSON object whose declared members each
/// follow their field's type and checks. A value that is no JSON object fails as `malformed`; a member
/// that breaks its field's rule fails as `invalid`, with a reason that names it. The required fields
/// are checked first, then the others, each in the file's order (for `workloads/user-login.yaml`, the
/// order and the words of the built-in parser: a test compares them message by message).
public struct DeclaredParser: Sendable {
    private let rules: [FieldRule]
    /// The JSON member of each field, to find a key's field by.
    private let names: MemberNames
    /// Field indices in the order their rules are checked.
    private let order: [Int]

    public init(_ definition: WorkloadDefinition) {
        rules = definition.fields.map(FieldRule.init)
        names = MemberNames(definition.fields.map(\.path))
        order = definition.fields.indices.filter { definition.fields[$0].required } + definition.fields.indices.filter { !definition.fields[$0].required }
    }

    /// Adds the message's value of every declared field to `values`, in the file's order, or says why the
    /// message breaks a rule (then `values` is as it was).
    func parse(_ value: UnsafeRawBufferPointer?, into values: inout StagedValues) -> WorkloadFailure? {
        // The captured members live on the stack: parsing a message allocates nothing.
        withUnsafeTemporaryAllocation(of: JSONCapturedValue?.self, capacity: rules.count) { captured in
            captured.initialize(repeating: nil)
            var members = Members(names: names, captured: captured)
            switch JSONObjectMessage.scan(value, into: &members) {
            case .failure(let notAnObject):
                return WorkloadFailure(errorClass: "malformed", reason: notAnObject.reason)
            case .success(var scanner):
                let mark = values.mark
                values.appendNulls(rules.count)
                for index in order {
                    if let broken = rules[index].stage(captured[index], &scanner, into: &values, at: mark.first + index) {
                        values.truncate(to: mark)
                        return WorkloadFailure(errorClass: "invalid", reason: broken.reason)
                    }
                }
                return nil
            }
        }
    }

    /// The values of the declared fields, in the file's order, or why the message breaks a rule.
    public func parse(_ value: UnsafeRawBufferPointer?) -> Result<[DeclaredValue], WorkloadFailure> {
        var values = StagedValues()
        if let failure = parse(value, into: &values) { return .failure(failure) }
        return .success(rules.indices.map { values.value(at: $0) })
    }

    /// Convenience for tests and tools. `bytes` nil means a Kafka tombstone (null value).
    public func parse(_ bytes: [UInt8]?) -> Result<[DeclaredValue], WorkloadFailure> {
        guard let bytes else { return parse(nil as UnsafeRawBufferPointer?) }
        return bytes.withUnsafeBytes { parse($0) }
    }
}

/// The declared members of one message, as scanned.
private struct Members: JSONMemberCapture {
    let names: MemberNames
    /// One per field, nil until its member is seen.
    let captured: UnsafeMutableBufferPointer<JSONCapturedValue?>

    func slot(named name: JSONStringToken, _ scanner: inout JSONScanner) -> Int? {
        scanner.withUTF8(name) { names.index(of: $0) }
    }

    func capture(_ slot: Int, _ value: JSONCapturedValue) {
        captured[slot] = value
    }
}

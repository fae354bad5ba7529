/// A deterministic stream of synthetic messages, valid and bad, that `eddy produce` sends.
public protocol SyntheticStream {
    /// Unix seconds the event times are drawn before; a long run moves it along with the clock.
    var baseTime: Int64 { get set }
    /// The next message.
    mutating func nextRecord() -> SyntheticRecord
}

/// One synthetic message.
public struct SyntheticRecord: Sendable {
    public var key: [UInt8]?
    /// nil: a tombstone.
    public var value: [UInt8]?
    /// Whether the workload keeps it (else it lands in failed_messages).
    public var isValid: Bool
}

extension LoginEventGenerator: SyntheticStream {
    public mutating func nextRecord() -> SyntheticRecord {
        let message = next()
        return SyntheticRecord(key: message.key, value: message.value, isValid: message.kind.isValid)
    }
}

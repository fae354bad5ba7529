import Testing

@testable import Primitives

/// The header values `eddy-source-partition` and `eddy-source-offset` are this text: it must read as
/// `String(value)` does, at the ends of the range too.
struct DecimalTextTests {
    @Test(arguments: [0, 7, 10, 42, -1, -305, 1_234_567_890_123, Int64.max, Int64.min])
    func writesWhatStringDescribes(value: Int64) {
        #expect(withDecimalText(value) { String(decoding: $0, as: UTF8.self) } == String(value))
    }
}

import JSONScanning
import JSONTestSupport
import Testing

@Suite("JSONScanner against JSONSerialization")
struct JSONDifferentialTests {
    /// Seeded random inputs: the scanner accepts exactly what JSONSerialization accepts (up to the
    /// differences `JSONDifferential` documents), and reads every top-level object's members as it does.
    @Test(arguments: [UInt64(1), 2])
    func scannerAgreesWithJSONSerialization(seed: UInt64) {
        var generator = JSONTextGenerator(seed: seed)
        let summary = JSONDifferential.run(
            count: 12_000, input: { _ in generator.next() }, reader: JSONScanner.accepts,
            values: { JSONDifferential.compareMembers(of: $0, with: $1) })
        for report in summary.reports { Issue.record(Comment(rawValue: report)) }
        #expect(summary.failures == 0)
        #expect(summary.objectsCompared > 2_000, "the mix has objects both accept")
    }

    /// The comparison itself can fail: readers that are wrong in the ways the differences could hide.
    @Test func wrongReadersAreCaught() {
        let acceptsAll: ([UInt8]) -> Bool = { _ in true }
        for text in ["[1,]", #"{"a":1,}"#, "\u{FEFF}{}", "[1] x", "\"\\ud800\"", "01", "[[]"] {
            #expect(!JSONDifferential.compare(Array(text.utf8), reader: acceptsAll).problems.isEmpty, "\(text)")
        }
        let rejectsAll: ([UInt8]) -> Bool = { _ in false }
        for text in [
            "1e400", "[1e400,-1e309]", "0", #"{"a":"\u0000"}"#,
            String(repeating: "[", count: 512) + String(repeating: "]", count: 512),
        ] {
            #expect(!JSONDifferential.compare(Array(text.utf8), reader: rejectsAll).problems.isEmpty, "\(text)")
        }
    }

    /// Each documented difference is reconciled, not skipped: the rest of the input is still compared.
    @Test func differencesAreReconciled() {
        // A trailing comma: the reader must reject it, and must read the text without it like JSONSerialization.
        let comma = JSONDifferential.compare(Array(#"{"a":"b",}"#.utf8), reader: JSONScanner.accepts)
        #expect(comma.problems.isEmpty)
        #expect(comma.objects.map(\.text) == [Array(#"{"a":"b"}"#.utf8)])
        // A byte order mark: the same.
        let bom = JSONDifferential.compare([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8), reader: JSONScanner.accepts)
        #expect(bom.problems.isEmpty && bom.objects.count == 1)
        // A number beyond Double's range: the reader must accept it; JSONSerialization reads it as 0.
        let huge = JSONDifferential.compare(Array(#"{"n":1e400}"#.utf8), reader: JSONScanner.accepts)
        #expect(huge.problems.isEmpty && huge.objects.count == 1)
        // UTF-16 with its BOM: JSONSerialization would read it; as UTF-8 it is not JSON, and the reader rejects it.
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("[1]".utf8).flatMap { [$0, 0] }
        #expect(JSONDifferential.compare(utf16, reader: JSONScanner.accepts).problems.isEmpty)
        #expect(!JSONDifferential.compare(utf16, reader: { _ in true }).problems.isEmpty)
    }
}

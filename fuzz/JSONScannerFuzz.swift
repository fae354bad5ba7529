import JSONScanning
import JSONTestSupport

/// libFuzzer's entry point (`make fuzz`): the scanner against JSONSerialization on one input, with the
/// differences `JSONDifferential` documents. A disagreement traps, and libFuzzer saves the input as
/// `crash-<sha1>`; AddressSanitizer traps on any read outside the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let summary = JSONDifferential.run(
        count: 1, input: { _ in bytes }, reader: JSONScanner.accepts,
        values: { JSONDifferential.compareMembers(of: $0, with: $1) })
    if let report = summary.reports.first {
        fatalError("the scanner and JSONSerialization disagree on \(report)")
    }
    return 0
}

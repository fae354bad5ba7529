import JSONScanning
import JSONTestSupport

/// libFuzzer's entry point (`make fuzz`): the scanner against JSONSerialization on one input, with the
/// differences `JSONDifferential` documents. A disagreement traps, and libFuzzer saves the input as
/// `crash-<sha1>`; AddressSanitizer traps on any read outside the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let outcome = JSONDifferential.compare(bytes, reader: JSONScanner.accepts)
    var problems = outcome.problems
    for (text, object) in outcome.objects {
        problems += JSONDifferential.compareMembers(of: text, with: object)
    }
    if !problems.isEmpty {
        fatalError("the scanner and JSONSerialization disagree on \(bytes): \(problems.joined(separator: "; "))")
    }
    return 0
}

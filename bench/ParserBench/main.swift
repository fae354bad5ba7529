import Foundation
import Logins

// `make bench-parser`: events/s of the login parser alone against Foundation's JSON parsers, on the same
// generated payloads in the same run. Usage: ParserBench [events] [rounds] [--parser-only]
// (--parser-only measures LoginEventParser alone, to compare two builds of it.)

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let parserOnly = CommandLine.arguments.contains("--parser-only")
let count = arguments.first ?? 1_000_000
let rounds = arguments.dropFirst().first ?? 3
let seed: UInt64 = 2026
let badShare = 0.05  // the default of `eddy produce` and `eddy demo`

print("generating \(count) payloads (seed \(seed), \(Int(badShare * 100)) % bad)...")
let payloads = Payloads(count: count, seed: seed, badShare: badShare)
print("\(payloads.totalBytes / count) bytes per payload on average")

let decoder = JSONDecoder()
let contenders: [(name: String, parse: (UnsafeRawBufferPointer?) -> LoginEvent?)] = [
    ("LoginEventParser", { try? LoginEventParser.parse($0).get() }),
    ("JSONSerialization", { SerializationLoginParser.parse($0) }),
    ("JSONDecoder", { DecoderLoginParser.parse($0, with: decoder) }),
].prefix(parserOnly ? 1 : 3).map { $0 }

/// Parses every payload once; returns the seconds taken and a check value (valid events, timestamps summed).
func measure(
    _ parse: (UnsafeRawBufferPointer?) -> LoginEvent?, on payloads: Payloads
) -> (seconds: Double, valid: Int, checksum: Int64) {
    var valid = 0
    var checksum: Int64 = 0
    let start = ContinuousClock.now
    for index in 0..<payloads.count {
        if let event = parse(payloads.value(index)) {
            valid += 1
            checksum &+= event.timestamp &+ Int64(event.userID.utf8.count)
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return (seconds, valid, checksum)
}

var best = Array(repeating: Double.infinity, count: contenders.count)
for round in 1...rounds {
    for (i, contender) in contenders.enumerated() {
        let result = measure(contender.parse, on: payloads)
        best[i] = min(best[i], result.seconds)
        let rate = Double(count) / result.seconds
        print(
            "round \(round) \(contender.name): \(Int(rate)) events/s, \(result.valid) valid, check \(result.checksum)")
    }
}

print("\nbest of \(rounds) rounds, \(count) payloads:")
for (i, contender) in contenders.enumerated() {
    let rate = Double(count) / best[i]
    let ratio = best[i] / best[0]
    print("\(contender.name): \(Int(rate)) events/s, \(String(format: "%.1f", ratio))x the time of LoginEventParser")
}

import Foundation
import Kafka

/// The commands `eddy broker` reads on standard input, one per line, to bring faults on while clients
/// run (`down`, `up`, `fail REQUEST COUNT [CODE]`; its `--help` explains them). Each command carried out
/// is answered with one line on standard output; a line it cannot read, with one on standard error.
struct BrokerControl {
    let cluster: MockCluster

    /// Reads commands until standard input ends, on a thread of its own (reading blocks).
    func start() {
        Thread.detachNewThread { [self] in
            while let line = readLine() {
                let words = line.split(separator: " ").map(String.init)
                guard !words.isEmpty else { continue }
                do {
                    FileHandle.standardOutput.write(Data((try carryOut(words) + "\n").utf8))
                } catch {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                }
            }
        }
    }

    /// Carries out one command.
    /// - Returns: the line that says what was done.
    func carryOut(_ words: [String]) throws(CommandError) -> String {
        switch (words[0], words.count) {
        case ("down", 1):
            cluster.setBrokerDown(1)
            return "broker down"
        case ("up", 1):
            cluster.setBrokerUp(1)
            return "broker up"
        case ("fail", 3), ("fail", 4):
            let names = MockCluster.Request.allCases.map(\.name)
            guard let request = MockCluster.Request.allCases.first(where: { $0.name == words[1] }) else {
                throw CommandError("unknown request \(words[1]): one of \(names.joined(separator: ", "))")
            }
            guard let count = Int(words[2]), count > 0, let code = Int32(words.count == 4 ? words[3] : "6") else {
                throw CommandError("fail takes a request, a count above 0 and an optional Kafka error code: fail fetch 10 6")
            }
            cluster.failNext(request, count: count, code: code)
            return "the next \(count) \(request.name) requests fail with error \(code)"
        default:
            throw CommandError("unknown command \(words.joined(separator: " ")): down, up, or fail REQUEST COUNT [CODE]")
        }
    }
}

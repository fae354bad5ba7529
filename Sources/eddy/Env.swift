import Foundation
import Synchronization

/// Option defaults read from `EDDY_*` environment variables: a command-line option wins over its
/// variable, which wins over the built-in default. A variable that does not parse is remembered and
/// reported by ``check()`` (called from each command's `validate()`), naming the variable.
enum Env {
    private static let problems = Mutex<[String]>([])

    static func string(_ name: String, default value: String) -> String {
        ProcessInfo.processInfo.environment[name] ?? value
    }

    static func int(_ name: String, default value: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name] else { return value }
        guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)) else {
            problems.withLock { $0.append("\(name)=\(text) is not a whole number") }
            return value
        }
        return parsed
    }

    static func double(_ name: String, default value: Double) -> Double {
        guard let text = ProcessInfo.processInfo.environment[name] else { return value }
        guard let parsed = Double(text.trimmingCharacters(in: .whitespaces)) else {
            problems.withLock { $0.append("\(name)=\(text) is not a number") }
            return value
        }
        return parsed
    }

    static func bool(_ name: String, default value: Bool) -> Bool {
        guard let text = ProcessInfo.processInfo.environment[name]?.lowercased() else { return value }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default:
            problems.withLock { $0.append("\(name)=\(text) is not true or false") }
            return value
        }
    }

    /// Throws the first environment variable that did not parse.
    static func check() throws {
        if let problem = problems.withLock({ $0.first }) { throw CommandError(problem) }
    }
}

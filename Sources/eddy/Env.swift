import Foundation
import Synchronization

/// Option defaults read from `EDDY_*` environment variables: a command-line option wins over its
/// variable, which wins over the built-in default. A variable that does not parse is remembered and
/// reported by ``check()`` (called from each command's `validate()`), naming the variable.
enum Env {
    private static let problems = Mutex<[String]>([])

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static func string(_ name: String, default value: String) -> String {
        environment[name] ?? value
    }

    /// Remembers a variable that did not parse, for ``check()``.
    static func record(_ problem: String) {
        problems.withLock { $0.append(problem) }
    }

    static func int(_ name: String, default value: Int) -> Int {
        guard let text = environment[name] else { return value }
        guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)) else {
            record("\(name)=\(text) is not a whole number")
            return value
        }
        return parsed
    }

    static func bool(_ name: String, default value: Bool) -> Bool {
        guard let text = environment[name]?.lowercased() else { return value }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default:
            record("\(name)=\(text) is not true or false")
            return value
        }
    }

    /// Throws the first environment variable that did not parse.
    static func check() throws {
        if let problem = problems.withLock({ $0.first }) { throw CommandError(problem) }
    }
}

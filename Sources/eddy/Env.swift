import ArgumentParser
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

    /// The value of `name` parsed as `T`, or `value` parsed when it is not set.
    /// - Parameter expecting: what the value should be, for the error, e.g. "a duration (250ms, 5s, 7d)".
    static func parsed<T: ExpressibleByArgument>(_ name: String, default value: String, expecting: String) -> T {
        let fallback = T(argument: value)!
        guard let text = environment[name] else { return fallback }
        guard let parsed = T(argument: text.trimmingCharacters(in: .whitespaces)) else {
            record("\(name)=\(text) is not \(expecting)")
            return fallback
        }
        return parsed
    }

    static func int(_ name: String, default value: Int) -> Int {
        parsed(name, default: "\(value)", expecting: "a whole number")
    }

    static func timeSpan(_ name: String, default value: String) -> TimeSpan {
        parsed(name, default: value, expecting: "a duration (examples: 250ms, 5s, 10m, 2h, 7d)")
    }

    static func retention(_ name: String, default value: String) -> RetentionPeriod {
        parsed(name, default: value, expecting: "a retention period (examples: 7d, 12h, 30m, off)")
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

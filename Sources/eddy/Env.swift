import ArgumentParser
import Configuration
import Foundation
import Synchronization

/// Option defaults, read through swift-configuration from the `EDDY_*` environment variables and then
/// the optional config file: a command-line option wins over its variable, which wins over the file,
/// which wins over the built-in default. The file's key for `EDDY_BATCH_SIZE` is `batch-size`.
///
/// A value that does not parse is remembered and reported by ``check()`` (called from each command's
/// `validate()`), naming the variable or the file's key.
enum Env {
    private struct State {
        var reader: ConfigReader
        var file: ConfigFile?
        var problems: [String] = []
    }

    private static let failures = ConfigFailures()
    private static let state = Mutex(State(reader: makeReader(file: nil), file: nil))

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The config file in use, if any.
    static var file: ConfigFile? { state.withLock { $0.file } }

    /// Makes `file` the layer beneath the environment. Call before parsing the command line.
    static func use(_ file: ConfigFile) {
        let reader = makeReader(file: file)
        state.withLock {
            $0.reader = reader
            $0.file = file
        }
    }

    private static func makeReader(file: ConfigFile?) -> ConfigReader {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider().prefixKeys(with: "eddy")]
        if let file { providers.append(file.provider) }
        return ConfigReader(providers: providers, accessReporter: failures)
    }

    /// `EDDY_BATCH_SIZE` → `batch-size`.
    private static func key(_ variable: String) -> ConfigKey {
        ConfigKey([variable.dropFirst("EDDY_".count).lowercased().replacingOccurrences(of: "_", with: "-")])
    }

    /// Looks `variable` up with `read`, and remembers a value that is there but is not `expecting`.
    private static func lookUp<T>(_ variable: String, expecting: String, _ read: (ConfigReader, ConfigKey) -> T) -> T {
        let key = key(variable)
        let reader = state.withLock { $0.reader }
        let value = read(reader, key)
        if failures.take(key) { record(variable, key: key, isNot: expecting) }
        return value
    }

    private static func record(_ variable: String, key: ConfigKey, isNot expecting: String) {
        let problem =
            if let text = environment[variable] {
                "\(variable)=\(text) is not \(expecting)"
            } else {
                "\"\(key.components.joined(separator: "."))\" in \(file?.path ?? "the config file") is not \(expecting)"
            }
        state.withLock { $0.problems.append(problem) }
    }

    static func string(_ name: String, default value: String) -> String {
        lookUp(name, expecting: "a string") { $0.string(forKey: $1, default: value) }
    }

    /// The value of `name` parsed as `T`, or `value` parsed when it is not set.
    /// - Parameter expecting: what the value should be, for the error, e.g. "a duration (250ms, 5s, 7d)".
    static func parsed<T: ExpressibleByArgument>(_ name: String, default value: String, expecting: String) -> T {
        let fallback = T(argument: value)!
        let text = lookUp(name, expecting: expecting) { $0.string(forKey: $1) }
        guard let text else { return fallback }
        guard let parsed = T(argument: text.trimmingCharacters(in: .whitespaces)) else {
            record(name, key: key(name), isNot: expecting)
            return fallback
        }
        return parsed
    }

    static func int(_ name: String, default value: Int) -> Int {
        lookUp(name, expecting: "a whole number") { $0.int(forKey: $1, default: value) }
    }

    static func timeSpan(_ name: String, default value: String) -> TimeSpan {
        parsed(name, default: value, expecting: "a duration (examples: 250ms, 5s, 10m, 2h, 7d)")
    }

    static func retention(_ name: String, default value: String) -> RetentionPeriod {
        parsed(name, default: value, expecting: "a retention period (examples: 7d, 12h, 30m, off)")
    }

    static func sizeLimit(_ name: String, default value: String) -> SizeLimit {
        parsed(name, default: value, expecting: "a size (examples: 500MB, 10GB, 64MiB, off)")
    }

    static func bool(_ name: String, default value: Bool) -> Bool {
        lookUp(name, expecting: "true or false") { $0.bool(forKey: $1, default: value) }
    }

    /// Throws the first setting that did not parse.
    static func check() throws {
        if let problem = state.withLock({ $0.problems.first }) { throw CommandError(problem) }
    }
}

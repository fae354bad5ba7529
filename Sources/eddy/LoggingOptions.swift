import ArgumentParser
import Logging

/// How much to log.
struct LoggingOptions: ParsableArguments {
    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: EDDY_LOG_LEVEL]")
    var logLevel: String = Env.string("EDDY_LOG_LEVEL", default: "info")

    func validate() throws {
        try Env.check()
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")); got '\(logLevel)'")
        }
    }

    /// Sends logs to standard error at the chosen level and returns a logger labelled `label`.
    func bootstrap(_ label: String = "eddy") -> Logger {
        Self.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, label: label)
    }

    /// Sends logs at `level` and above to standard error and returns a logger labelled `label`.
    static func bootstrap(level: Logger.Level, label: String = "eddy") -> Logger {
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

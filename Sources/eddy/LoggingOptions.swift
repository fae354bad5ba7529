import ArgumentParser
import Logging
import Ops

/// How much to log.
struct LoggingOptions: ParsableArguments {
    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: EDDY_LOG_LEVEL]")
    var logLevel: String = Env.string("EDDY_LOG_LEVEL", default: "info")

    @Option(help: "text, or json for one JSON object per line. [env: EDDY_LOG_FORMAT]")
    var logFormat: String = Env.string("EDDY_LOG_FORMAT", default: "text")

    func validate() throws {
        try Env.check()
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json; got '\(logFormat)'") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")); got '\(logLevel)'")
        }
    }

    /// Sends logs to standard error at the chosen level and returns a logger labelled `label`.
    func bootstrap(_ label: String = "eddy") -> Logger {
        Self.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, json: logFormat == "json", label: label)
    }

    /// Sends logs at `level` and above to standard error and returns a logger labelled `label`.
    static func bootstrap(level: Logger.Level, json: Bool = false, label: String = "eddy") -> Logger {
        LoggingSystem.bootstrap { name in
            if json { return JSONLogHandler(label: name, level: level) }
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

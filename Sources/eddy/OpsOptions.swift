import ArgumentParser
import Engine
import Ops

/// Where the ops endpoints listen.
struct OpsOptions: ParsableArguments {
    @Option(help: "Address of /healthz, /readyz and /metrics (host:port), or off. [env: EDDY_HTTP]")
    var http: String = Env.string("EDDY_HTTP", default: "127.0.0.1:8080")

    @Option(help: "How long SIGTERM may take to commit the last batch, close the consumer and publish the outbox; then Eddy exits anyway. [env: EDDY_SHUTDOWN_TIMEOUT]")
    var shutdownTimeout: TimeSpan = Env.timeSpan("EDDY_SHUTDOWN_TIMEOUT", default: "\(ShutdownDeadline.defaultTimeout.components.seconds)s")

    func validate() throws {
        try Env.check()
        guard http == "off" || HTTPAddress(http) != nil else {
            throw ValidationError("--http must be host:port (like 127.0.0.1:8080) or off; got '\(http)'")
        }
        guard (2_000...600_000).contains(shutdownTimeout.milliseconds) else {
            throw ValidationError("--shutdown-timeout must be between 2s and 10m; got \(shutdownTimeout)")
        }
    }

    /// The graceful shutdown's deadline, not yet started.
    func shutdownDeadline() -> ShutdownDeadline {
        ShutdownDeadline(timeout: .milliseconds(shutdownTimeout.milliseconds))
    }

    /// The address, or `nil` when the endpoints are off.
    var address: HTTPAddress? { HTTPAddress(http) }
}

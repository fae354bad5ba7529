import ArgumentParser
import Ops

/// Where the ops endpoints listen.
struct OpsOptions: ParsableArguments {
    @Option(help: "Address of /healthz, /readyz and /metrics (host:port), or off. [env: EDDY_HTTP]")
    var http: String = Env.string("EDDY_HTTP", default: "127.0.0.1:8080")

    func validate() throws {
        try Env.check()
        guard http == "off" || HTTPAddress(http) != nil else {
            throw ValidationError("--http must be host:port (like 127.0.0.1:8080) or off; got '\(http)'")
        }
    }

    /// The address, or `nil` when the endpoints are off.
    var address: HTTPAddress? { HTTPAddress(http) }
}

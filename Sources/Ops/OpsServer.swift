import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The ops endpoints, served by Hummingbird: `/healthz` (liveness), `/readyz` (readiness) and
/// `/metrics` (Prometheus text). A `Service`: it runs in the same service group as the consumer.
public struct OpsServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>
    private let address: HTTPAddress

    public init(address: HTTPAddress, health: any HealthSource, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.address = address
        application = Application(
            router: Self.router(health: health, registry: registry),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "eddy"),
            // The port the socket got: the one asked for, or the one the system chose for port 0.
            onServerRunning: { channel in
                let listening = HTTPAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
                logger.info("ops endpoints on http://\(listening)/healthz, /readyz, /metrics")
            },
            logger: logger
        )
    }

    /// - Throws: `OpsError` when the address cannot be listened on.
    public func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError {
            throw OpsError(
                "the ops endpoints cannot listen on \(address): \(String(cString: strerror(error.errnoCode))); "
                    + "choose another --http address or --http off"
            )
        }
    }

    /// The routes, on their own so that tests can call them without a socket.
    public static func router(health: any HealthSource, registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in Self.response(health.liveness()) }
        router.get("readyz") { _, _ in Self.response(health.readiness()) }
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        return router
    }

    private static func response(_ report: HealthReport) -> Response {
        Response(
            status: report.ok ? .ok : .serviceUnavailable,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: (report.ok ? "ok: " : "failing: ") + report.detail + "\n"))
        )
    }
}

import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import Synchronization
import Testing

@testable import Ops

@Suite struct OpsServerTests {
    final class Switchable: HealthSource {
        let live = Atomic<Bool>(true)
        let ready = Atomic<Bool>(false)
        func liveness() -> HealthReport { HealthReport(ok: live.load(ordering: .relaxed), detail: "loop") }
        func readiness() -> HealthReport { HealthReport(ok: ready.load(ordering: .relaxed), detail: "partitions") }
    }

    @Test func healthEndpointsFollowTheSource() async throws {
        let health = Switchable()
        let app = Application(router: OpsServer.router(health: health, registry: PrometheusCollectorRegistry()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == "failing: partitions\n")
            }
            health.ready.store(true, ordering: .relaxed)
            health.live.store(false, ordering: .relaxed)
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
    }

    @Test func metricsAreRenderedInPrometheusText() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "eddy_test_total", unitName: "", helpText: "A counter for the test.")).increment(by: Int64(3))
        let app = Application(router: OpsServer.router(health: Switchable(), registry: registry))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("eddy_test_total 3"))
            }
        }
    }

    @Test(arguments: [("127.0.0.1:8080", "127.0.0.1", 8080), ("0.0.0.0:9", "0.0.0.0", 9), ("[::1]:80", "::1", 80)])
    func addressesParse(text: String, host: String, port: Int) {
        #expect(HTTPAddress(text) == HTTPAddress(host: host, port: port))
    }

    @Test func badAddressesAreRejected() {
        for text in ["8080", ":8080", "host:", "host:99999", "off"] { #expect(HTTPAddress(text) == nil, "\(text)") }
    }
}

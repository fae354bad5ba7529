import Metrics
import Prometheus

/// Sends swift-metrics to a Prometheus registry that `/metrics` renders.
public enum MetricsBackend {
    /// Bootstraps swift-metrics once for the process and returns the registry to serve.
    public static func bootstrapPrometheus() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Fine between 10 and 500 ms, where batch commits fall, so that p50 and p99 mean something.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(30), .milliseconds(40),
            .milliseconds(50), .milliseconds(75), .milliseconds(100), .milliseconds(150), .milliseconds(200), .milliseconds(300),
            .milliseconds(400), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        ]
        factory.defaultValueHistogramBuckets = [1, 10, 100, 500, 1_000, 2_500, 5_000, 10_000, 50_000]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}

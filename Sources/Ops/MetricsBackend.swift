import Metrics
import Prometheus

/// Sends swift-metrics to a Prometheus registry that `/metrics` renders.
public enum MetricsBackend {
    /// Bootstraps swift-metrics once for the process and returns the registry to serve.
    public static func bootstrapPrometheus() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        ]
        factory.defaultValueHistogramBuckets = [1, 10, 100, 500, 1_000, 2_500, 5_000, 10_000, 50_000]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}

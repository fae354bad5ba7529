import CLibrdKafka
import Logging

/// librdkafka's in-process mock Kafka cluster: real Kafka protocol over localhost TCP, for tests,
/// the demo and `eddy broker`. It keeps only a few MB per partition.
///
/// `@unchecked Sendable`: the mock cluster runs on its own librdkafka thread and its C API is thread-safe.
public final class MockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    private let context: KafkaClientContext

    /// The `bootstrap.servers` value that reaches the cluster.
    public let bootstrapServers: String

    /// Starts a cluster of `brokers` brokers on ephemeral localhost ports.
    public init(brokers: Int = 1, logger: Logger = Logger(label: "eddy.mock-broker")) throws(KafkaError) {
        context = KafkaClientContext(logger: logger)
        let rk = try context.makeClient(RD_KAFKA_PRODUCER, KafkaConfig(["log_level": "3"]), "the mock cluster's client")
        guard let cluster = rd_kafka_mock_cluster_new(rk, Int32(brokers)) else {
            rd_kafka_destroy(rk)
            throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL.rawValue, message: "cannot start the mock cluster")
        }
        owner = rk
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Creates `topic` with `partitions` partitions.
    public func createTopic(_ topic: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), Int32(replicationFactor))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, "creating topic \(topic)") }
    }

    /// Kafka protocol request types whose errors can be injected.
    public enum Request: Int16, Sendable, CaseIterable {
        case produce = 0
        case fetch = 1
        case offsetCommit = 8

        /// The name `eddy broker`'s control commands use: `produce`, `fetch`, `offset-commit`.
        public var name: String {
            switch self {
            case .produce: "produce"
            case .fetch: "fetch"
            case .offsetCommit: "offset-commit"
            }
        }
    }

    /// Makes the next `count` requests of `request` fail with librdkafka error `code`
    /// (e.g. 6, NOT_LEADER_OR_FOLLOWER, which clients retry).
    public func failNext(_ request: Request, count: Int, code: Int32) {
        let errors = [rd_kafka_resp_err_t](repeating: rd_kafka_resp_err_t(rawValue: code), count: count)
        errors.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, request.rawValue, count, $0.baseAddress) }
    }

    /// Drops the errors still waiting for `request`.
    public func clearErrors(_ request: Request) {
        rd_kafka_mock_clear_request_errors(cluster, request.rawValue)
    }

    /// Takes broker `id` (1-based) down: its connections close and it refuses new ones.
    public func setBrokerDown(_ id: Int32) {
        rd_kafka_mock_broker_set_down(cluster, id)
    }

    /// Brings broker `id` back up.
    public func setBrokerUp(_ id: Int32) {
        rd_kafka_mock_broker_set_up(cluster, id)
    }

    /// Delays every response of broker `id` (1-based; -1 for all) by `milliseconds`; 0 removes the delay.
    public func setRoundTripTime(_ id: Int32, milliseconds: Int) {
        rd_kafka_mock_broker_set_rtt(cluster, id, Int32(milliseconds))
    }
}

import ArgumentParser
import Kafka

/// Where the Kafka cluster is and which topic to use.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers, host:port[,host:port...]. [env: EDDY_BROKERS]")
    var brokers: String = Env.string("EDDY_BROKERS", default: "localhost:9092")

    @Option(help: "The topic of user-login events. [env: EDDY_TOPIC]")
    var topic: String = Env.string("EDDY_TOPIC", default: "user-login")

    func validate() throws {
        try Env.check()
        guard !brokers.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--brokers must not be empty") }
        guard !topic.isEmpty else { throw ValidationError("--topic must not be empty") }
    }

    /// librdkafka properties: those from `EDDY_KAFKA_*`, then `bootstrap.servers` from `--brokers`.
    func kafkaConfig() throws -> KafkaConfig {
        var config = KafkaConfig(try KafkaEnvironment.properties())
        config["bootstrap.servers"] = brokers
        return config
    }
}

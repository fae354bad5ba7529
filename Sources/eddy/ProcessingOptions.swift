import ArgumentParser
import Engine
import Kafka

/// The consumer group, the database and the batch shape of the processor.
struct ProcessingOptions: ParsableArguments {
    @Option(help: "Kafka consumer group; instances in one group share the partitions. [env: EDDY_GROUP]")
    var group: String = Env.string("EDDY_GROUP", default: "eddy")

    @Option(help: "The SQLite database file; created when missing. [env: EDDY_DB]")
    var db: String = Env.string("EDDY_DB", default: "eddy.db")

    @Option(help: "The most messages in one transaction. [env: EDDY_BATCH_SIZE]")
    var batchSize: Int = Env.int("EDDY_BATCH_SIZE", default: 10_000)

    @Option(help: "The longest a batch waits to fill, in milliseconds. [env: EDDY_BATCH_LATENCY_MS]")
    var batchLatencyMs: Int = Env.int("EDDY_BATCH_LATENCY_MS", default: 100)

    func validate() throws {
        try Env.check()
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        guard (1...1_000_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 1000000; got \(batchSize)") }
        guard (1...60_000).contains(batchLatencyMs) else {
            throw ValidationError("--batch-latency-ms must be between 1 and 60000; got \(batchLatencyMs)")
        }
    }

    /// The engine's configuration for consuming `connection.topic`.
    func engineConfiguration(_ connection: ConnectionOptions) throws -> EngineConfiguration {
        var kafka = try connection.kafkaConfig()
        kafka["group.id"] = group
        return EngineConfiguration(
            kafka: kafka,
            topics: [connection.topic],
            batchSize: batchSize,
            batchLatencyMilliseconds: batchLatencyMs
        )
    }
}

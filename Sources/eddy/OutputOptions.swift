import ArgumentParser
import Engine
import Kafka

/// The processed-output topic and how the outbox relay publishes to it.
struct OutputOptions: ParsableArguments {
    @Option(help: "Topic for processed events, published through the outbox; \"\" turns it off. [env: EDDY_OUTPUT_TOPIC]")
    var outputTopic: String = Env.string("EDDY_OUTPUT_TOPIC", default: "processed-output")

    @Option(help: "Pause consumption while the outbox holds more unsent messages than this. [env: EDDY_OUTBOX_MAX_PENDING]")
    var outboxMaxPending: Int = Env.int("EDDY_OUTBOX_MAX_PENDING", default: 100_000)

    @Option(help: "How long the producer waits to fill a batch (librdkafka linger.ms). [env: EDDY_OUTPUT_LINGER]")
    var outputLinger: TimeSpan = Env.timeSpan("EDDY_OUTPUT_LINGER", default: "5ms")

    @Option(help: "The most records in one produce request (librdkafka batch.num.messages). [env: EDDY_OUTPUT_BATCH_SIZE]")
    var outputBatchSize: Int = Env.int("EDDY_OUTPUT_BATCH_SIZE", default: 10_000)

    func validate() throws {
        try Env.check()
        guard outboxMaxPending >= 100 else { throw ValidationError("--outbox-max-pending must be at least 100") }
        guard (1...1_000_000).contains(outputBatchSize) else { throw ValidationError("--output-batch-size must be between 1 and 1000000") }
    }

    /// The relay's settings, or `nil` when the output is off.
    func settings(_ connection: ConnectionOptions) throws -> OutputSettings? {
        guard !outputTopic.isEmpty else { return nil }
        var kafka = try connection.kafkaConfig()
        kafka.setDefault("linger.ms", "\(outputLinger.milliseconds)")
        kafka.setDefault("batch.num.messages", "\(outputBatchSize)")
        return OutputSettings(topic: outputTopic, kafka: kafka, maxPending: outboxMaxPending)
    }
}

import ArgumentParser
import Foundation
import Kafka

struct ProduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce synthetic events (user-login, or orders), with a share of bad messages of every kind.",
        discussion: """
            user-login events look like the real stream, with user_id, app_version, device_type, ip, locale, device_id and \
            timestamp, with missing and null fields, integer timestamps and extra fields. Bad messages cover every failure \
            Eddy knows: invalid UTF-8, broken JSON, non-objects, empty values, tombstones, and each broken rule. \
            --stream orders makes orders for workloads/orders.yaml (order_id, amount as a decimal string or number, currency, \
            status, customer, an RFC 3339 ts) with bad amounts, currencies, statuses and times, and late orders. \
            The same --seed produces the same events.

            Examples:
              eddy produce --brokers 127.0.0.1:39091 --count 100000 --rate 20000
              eddy produce --brokers 127.0.0.1:39091 --stream orders --count 50000
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(
        help: ArgumentHelp(
            "Which stream: user-login, or orders (sent to the topic orders while --topic is left at user-login).", valueName: "stream"))
    var stream: StreamKind = .userLogin

    @Option(help: "How many events to produce.")
    var count: Int = 100_000

    @Option(help: "Events per second; 0 for as fast as possible.")
    var rate: Int = 0

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Share of bad messages, from 0 to 1.")
    var badShare: Double = 0.05

    @Flag(help: "Event timestamps follow the clock (the 10 minutes before each event) instead of the 10 minutes before the start: for long runs with retention.")
    var liveTimestamps = false

    @OptionGroup var logging: LoggingOptions
    @OptionGroup(title: "Configuration") var configFile: ConfigFileOptions

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative") }
        guard rate >= 0 else { throw ValidationError("--rate must not be negative") }
        guard (0...1).contains(badShare) else { throw ValidationError("--bad-share must be between 0 and 1; got \(badShare)") }
    }

    func run() throws {
        let logger = logging.bootstrap()
        var kafka = try connection.kafkaConfig()
        kafka.setDefault("linger.ms", "20")
        let tally = DeliveryTally()
        let producer = try KafkaProducer(config: kafka, logger: logger, onDelivery: tally.handler)
        let topic = stream != .userLogin && connection.topic == StreamKind.userLogin.topic ? stream.topic : connection.topic
        let topics = try producer.topicPartitionCounts(timeoutMilliseconds: 10_000)
        if topics[topic] == nil {
            logger.warning("topic \(topic) does not exist; producing relies on the broker creating it")
        }
        var run = GeneratorRun(topic: topic, count: count, rate: rate, seed: seed, badShare: badShare)
        run.stream = stream
        run.liveTimestamps = liveTimestamps
        let summary = try run.run(producer: producer) { produced in
            if produced % 100_000 == 0 { logger.info("produced \(produced) of \(count)") }
        }
        try tally.check(produced: summary.produced)
        print(
            "produced \(summary.produced) events (\(summary.bad) bad) to \(topic) in "
                + String(format: "%.1f s", summary.seconds)
        )
    }
}

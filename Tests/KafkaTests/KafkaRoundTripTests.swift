import Logging
import Testing

@testable import Kafka

@Suite struct KafkaRoundTripTests {
    let logger = Logger(label: "test")

    @Test func consumesFromTheOffsetTheCallerChoosesWithExactBytes() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("t", partitions: 1)
        let producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        try producer.produce(topic: "t", partition: 0, key: [1], value: Array("skipped".utf8))
        try producer.produce(topic: "t", partition: 0, key: nil, value: [0xFF, 0x00, 0x7B], headers: [KafkaHeader(name: "h", value: [7]), KafkaHeader(name: "n", value: nil)])
        try producer.produce(topic: "t", partition: 0, key: [2], value: nil)
        try producer.produce(topic: "t", partition: 0, key: [3], value: [])
        try producer.flush(timeoutMilliseconds: 10_000)

        let partition = TopicPartition(topic: "t", partition: 0)
        let config = KafkaConfig(["bootstrap.servers": cluster.bootstrapServers, "group.id": "g", "enable.auto.commit": "false"])
        try KafkaConsumer.run(config: config, logger: logger) { consumer in
        // Messages go back to librdkafka before the consumer is destroyed.
        let batch = KafkaMessageBatch()
        defer { batch.removeAll() }
        try consumer.subscribe(["t"])
        var assigned: [TopicPartition] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while batch.count < 3, ContinuousClock.now < deadline {
            if let rebalance = try consumer.poll(into: batch, maxMessages: 10, timeoutMilliseconds: 200) {
                #expect(rebalance.kind == .assign)
                #expect(batch.isEmpty, "no message before the assignment is completed")
                assigned += rebalance.partitions
                try consumer.complete(rebalance, startingAt: [partition: 1])
            }
        }
        try #require(batch.count == 3)
        #expect(assigned == [partition])
        #expect(consumer.assignment() == [partition])
        #expect(batch[0].offset == 1)
        #expect(batch[0].value.map(Array.init) == [0xFF, 0x00, 0x7B])
        #expect(batch[0].key == nil)
        #expect(batch[0].headers == [KafkaHeader(name: "h", value: [7]), KafkaHeader(name: "n", value: nil)])
        #expect(batch[1].value == nil, "a tombstone has no value")
        #expect(batch[1].key.map(Array.init) == [2])
        #expect(batch[2].value.map(Array.init) == [], "an empty value stays empty, not null")
        #expect(batch[2].topic == "t")

        try consumer.commit([partition: 4], synchronously: true)
        #expect(try consumer.committedOffsets([partition], timeoutMilliseconds: 5_000) == [partition: 4])
        }
    }

    @Test func rejectedSettingNamesTheProperty() {
        do {
            _ = try KafkaProducer(config: KafkaConfig(["no.such.property": "1"]), logger: logger)
            Issue.record("an unknown property was accepted")
        } catch {
            #expect(error.message.contains("no.such.property"))
        }
    }

    @Test func unreachableBrokerIsReportedWithinTheTimeout() throws {
        let producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": "127.0.0.1:1"]), logger: logger)
        let start = ContinuousClock.now
        #expect(throws: KafkaError.self) { try producer.topicPartitionCounts(timeoutMilliseconds: 2_000) }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func secretsAreRedacted() {
        let config = KafkaConfig(["sasl.password": "hunter2", "ssl.key.password": "k", "sasl.username": "u"])
        #expect(config.redacted == ["sasl.password": "***", "ssl.key.password": "***", "sasl.username": "u"])
    }

    /// With a 64 KB prefetch queue, fetches keep filling it, and librdkafka 2.0's broker thread then
    /// sleeps up to a second before it looks again: 4 MB took 4.0 s without ``FetchWaker``, 0.02-0.06 s
    /// with it (measured).
    @Test func aFullPrefetchQueueDoesNotStallConsumption() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("t", partitions: 1)
        let producer = try KafkaProducer(config: KafkaConfig(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        let messages = 4_000
        let value = [UInt8](repeating: 0x61, count: 1_000)
        for _ in 0..<messages { try producer.produce(topic: "t", partition: 0, key: nil, value: value) }
        try producer.flush(timeoutMilliseconds: 10_000)

        let config = KafkaConfig([
            "bootstrap.servers": cluster.bootstrapServers, "group.id": "g", "auto.offset.reset": "earliest",
            "queued.max.messages.kbytes": "64", "fetch.max.bytes": "65536", "message.max.bytes": "65536",
            "max.partition.fetch.bytes": "65536",
        ])
        var consumed = 0
        var started: ContinuousClock.Instant?
        try KafkaConsumer.run(config: config, logger: logger) { consumer in
            try consumer.subscribe(["t"])
            let batch = KafkaMessageBatch()
            let deadline = ContinuousClock.now + .seconds(60)
            while consumed < messages, ContinuousClock.now < deadline {
                if let rebalance = try consumer.poll(into: batch, maxMessages: 500, timeoutMilliseconds: 100) { try consumer.complete(rebalance) }
                consumed += batch.count
                if consumed > 0, started == nil { started = .now }
                batch.removeAll()
            }
        }
        try #require(consumed == messages)
        let elapsed = ContinuousClock.now - started!
        #expect(elapsed < .seconds(2), "4 MB through a 64 KB queue took \(elapsed)")
    }
}

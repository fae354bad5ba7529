import Testing

@testable import Logins

/// 100,000 random and mutated payloads through the real consumer: every one ends in login_events or
/// failed_messages, never both and never neither, and the service never stops.
@Suite(.serialized) struct FuzzTests {
    @Test func everyPayloadIsAccountedForExactlyOnce() async throws {
        let count = 100_000
        let fixture = try PipelineFixture(partitions: 32)
        var fuzzer = PayloadFuzzer(seed: 2026)
        try fixture.produce(values: (0..<count).map { _ in fuzzer.next() })
        try await fixture.process(count: count, batchSize: 5_000)

        let events = try fixture.scalar("SELECT COUNT(*) FROM login_events")
        let failed = try fixture.scalar("SELECT COUNT(*) FROM failed_messages")
        #expect(events + failed == count)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM login_events JOIN failed_messages USING (topic, partition, offset)") == 0)
        #expect(try fixture.scalar("SELECT SUM(next_offset) FROM consumer_offsets") == count)
        #expect(try fixture.scalar("SELECT SUM(logins) FROM login_counts") == events)
        let expectedValid = fixture.producedValues.filter { (try? LoginEventParser.parse($0).get()) != nil }.count
        #expect(events == expectedValid)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM failed_messages WHERE length(payload) > 200000") > 0, "huge payloads kept")
        #expect(events > 1_000 && failed > 50_000, "the mix exercises both outcomes")
    }
}

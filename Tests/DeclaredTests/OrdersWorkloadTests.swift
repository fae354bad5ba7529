import Declared
import Engine
import Generators
import Testing

/// `workloads/orders.yaml` classes every message of the orders generator as the generator meant it:
/// valid orders are kept, each bad kind fails with its error class and a reason that names the member.
@Suite struct OrdersWorkloadTests {
    @Test func eachGeneratedOrderGetsTheVerdictItsKindMeans() throws {
        let clock: Int64 = 1_796_000_000
        let workload = DeclaredWorkload(try DeclaredUserLoginTests.definition("orders.yaml"), now: { clock })
        var generator = OrderEventGenerator(seed: 5, badShare: 0.3, baseTime: clock)
        var seen: [OrderEventGenerator.Kind: Int] = [:]
        var batch = workload.makeBatch(capacity: 20_000)
        for offset in 0..<20_000 {
            let (record, kind) = generator.next()
            seen[kind, default: 0] += 1
            let failure = DeclaredWorkloadTests.withOptionalBytes(record.value) { bytes in
                workload.stage(IncomingMessage(topic: "orders", partition: 0, offset: Int64(offset), key: nil, value: bytes), into: &batch)
            }
            let shown = record.value.map { String(decoding: $0, as: UTF8.self) } ?? "a tombstone"
            #expect(failure?.errorClass == kind.errorClass, "\(kind): \(shown): \(failure.map { "\($0.errorClass): \($0.reason)" } ?? "kept")")
            if let failure, failure.errorClass == "invalid" {
                let named = ["order_id", "amount", "currency", "status", "customer", "ts"].contains { failure.reason.hasPrefix($0 + " ") }
                #expect(named, "\(kind): the reason names the member: \(failure.reason)")
            }
        }
        #expect(Set(seen.keys) == Set(OrderEventGenerator.Kind.allCases), "every kind was made")
        #expect(seen[.valid, default: 0] > 12_000)
    }

    @Test func theSameSeedGivesTheSameOrders() {
        var a = OrderEventGenerator(seed: 3, badShare: 0.2, baseTime: 1_796_000_000)
        var b = OrderEventGenerator(seed: 3, badShare: 0.2, baseTime: 1_796_000_000)
        var c = OrderEventGenerator(seed: 4, badShare: 0.2, baseTime: 1_796_000_000)
        let first = (0..<500).map { _ in a.next().record.value }
        #expect(first == (0..<500).map { _ in b.next().record.value })
        #expect(first != (0..<500).map { _ in c.next().record.value })
    }
}

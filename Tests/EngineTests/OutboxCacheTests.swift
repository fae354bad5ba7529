import Testing

@testable import Engine

/// The rows the relay sends from memory: each once, by outbox id; passed ids forgotten; bounded.
@Suite struct OutboxCacheTests {
    @Test func rowsAreTakenOnceByIdAndPassedOnesForgotten() {
        let cache = ChangelogRowCache(capacityBytes: 100)
        cache.add([(id: 3, rows: [[1, 2], [3]]), (id: 5, rows: [[5]]), (id: 8, rows: [[8, 8]])])
        #expect(cache.byteCount == 6)
        #expect(cache.take(4) == nil, "no rows kept for 4")
        #expect(cache.byteCount == 3, "3 was passed: the relay will not ask for it again")
        #expect(cache.take(5) == [[5]])
        #expect(cache.take(5) == nil, "taken once")
        #expect(cache.take(8) == [[8, 8]])
        #expect(cache.byteCount == 0)
    }

    @Test func rowsPastTheCapacityAreNotKept() {
        let cache = ChangelogRowCache(capacityBytes: 4)
        cache.add([(id: 1, rows: [[1, 1, 1]]), (id: 2, rows: [[2, 2]]), (id: 3, rows: [[3]])])
        #expect(cache.byteCount == 3, "2 did not fit, and nothing after it is kept, so the ids stay in order")
        #expect(cache.take(2) == nil)
        #expect(cache.take(3) == nil)
        cache.add([(id: 4, rows: [[4, 4, 4, 4]])])
        #expect(cache.take(4) == [[4, 4, 4, 4]], "room again once the relay took what it sent")
    }
}

import Testing

@testable import Engine

/// The rows the relay sends from memory: each once, by outbox id; passed ids forgotten; bounded; held
/// back while their transaction has not committed, and gone if it rolled back.
@Suite struct OutboxCacheTests {
    /// The rows `take` found, `nil` when it found none (`uncommitted` fails the test).
    private func taken(_ cache: ChangelogRowCache, _ id: Int64) -> [[UInt8]]? {
        switch cache.take(id) {
        case .rows(let rows): return rows
        case .absent: return nil
        case .uncommitted:
            Issue.record("\(id) is still held by its transaction")
            return nil
        }
    }

    private func isUncommitted(_ taken: ChangelogRowCache.Taken) -> Bool {
        if case .uncommitted = taken { return true }
        return false
    }

    @Test func rowsAreTakenOnceByIdAndPassedOnesForgotten() {
        let cache = ChangelogRowCache(capacityBytes: 100)
        cache.hold([(id: 3, rows: [[1, 2], [3]]), (id: 5, rows: [[5]]), (id: 8, rows: [[8, 8]])])
        cache.commit()
        #expect(cache.byteCount == 6)
        #expect(taken(cache, 4) == nil, "no rows kept for 4")
        #expect(cache.byteCount == 3, "3 was passed: the relay will not ask for it again")
        #expect(taken(cache, 5) == [[5]])
        #expect(taken(cache, 5) == nil, "taken once")
        #expect(taken(cache, 8) == [[8, 8]])
        #expect(cache.byteCount == 0)
    }

    @Test func rowsPastTheCapacityAreNotKept() {
        let cache = ChangelogRowCache(capacityBytes: 4)
        cache.hold([(id: 1, rows: [[1, 1, 1]]), (id: 2, rows: [[2, 2]]), (id: 3, rows: [[3]])])
        cache.commit()
        #expect(cache.byteCount == 3, "2 did not fit, and nothing after it is kept, so the ids stay in order")
        #expect(taken(cache, 2) == nil)
        #expect(taken(cache, 3) == nil)
        cache.hold([(id: 4, rows: [[4, 4, 4, 4]])])
        cache.commit()
        #expect(taken(cache, 4) == [[4, 4, 4, 4]], "room again once the relay took what it sent")
    }

    /// A relay that reads rows the instant they are committed waits for them rather than reading them
    /// back; rows of a transaction that rolled back are forgotten, since their ids will be given again.
    @Test func heldRowsWaitForTheirTransaction() {
        let cache = ChangelogRowCache(capacityBytes: 100)
        cache.hold([(id: 1, rows: [[1]])])
        cache.commit()
        cache.hold([(id: 2, rows: [[2]]), (id: 3, rows: [[3]])])
        #expect(taken(cache, 1) == [[1]], "committed before")
        #expect(isUncommitted(cache.take(2)))
        #expect(isUncommitted(cache.take(3)))
        cache.commit()
        #expect(taken(cache, 2) == [[2]])

        cache.hold([(id: 4, rows: [[4, 4]])])
        cache.rollBack()
        #expect(cache.byteCount == 1, "3 stays, 4 is gone")
        cache.hold([(id: 4, rows: [[9]])])
        cache.commit()
        #expect(taken(cache, 3) == [[3]])
        #expect(taken(cache, 4) == [[9]], "the id given again holds the new rows")
    }
}

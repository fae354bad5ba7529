import Engine
import JSONTestSupport
import XCTest

/// The restore rule on lists of changelog records: torn sets, duplicates, zombies, snapshots, lines
/// whose base is gone.
final class ChangelogHistoryTests: XCTestCase {
    private let a: Int64 = 0xA
    private let b: Int64 = 0xB
    private let c: Int64 = 0xC

    /// Builds a log: each call appends a record and returns its offset.
    private struct Log {
        var records: [ChangelogRecord] = []

        @discardableResult
        mutating func claim(_ line: Int64, epoch: Int64, _ base: ChangelogRecord.Base) -> Int64 {
            append(ChangelogRecord(sourceTopic: "t", line: line, epoch: epoch, body: .claim(base)))
        }

        /// Change set `seq` of `line`, whole or only its chunks in `only`, of `chunks` chunks.
        @discardableResult
        mutating func changes(_ line: Int64, epoch: Int64, seq: Int64, chunks: Int = 1, only: [Int]? = nil) -> [Int64] {
            set(line, epoch: epoch, seq: seq, chunks: chunks, only: only, ChangelogRecord.Body.changes)
        }

        /// Snapshot `seq` of `line`, the same way.
        @discardableResult
        mutating func snapshot(_ line: Int64, epoch: Int64, seq: Int64, chunks: Int = 1, only: [Int]? = nil) -> [Int64] {
            set(line, epoch: epoch, seq: seq, chunks: chunks, only: only, ChangelogRecord.Body.snapshot)
        }

        private mutating func set(
            _ line: Int64, epoch: Int64, seq: Int64, chunks: Int, only: [Int]?, _ body: (ChangelogRecord.Chunk) -> ChangelogRecord.Body
        ) -> [Int64] {
            (only ?? Array(0..<chunks)).map { index in
                let chunk = ChangelogRecord.Chunk(seq: seq, index: index, isLast: index == chunks - 1, nextSourceOffset: seq * 100)
                return append(ChangelogRecord(sourceTopic: "t", line: line, epoch: epoch, body: body(chunk)))
            }
        }

        /// Each record is written 10 s after the one before.
        @discardableResult
        mutating func append(_ record: ChangelogRecord) -> Int64 {
            var record = record
            record.time = Int64(records.count) * 10
            records.append(record)
            return Int64(records.count - 1)
        }

        /// The plan of the whole log, or of what is left once retention deleted the records before `first`.
        func plan(droppingBefore first: Int64 = 0) throws -> RestorePlan? {
            var history = ChangelogHistory()
            for (offset, record) in records.enumerated() { history.add(record, at: Int64(offset)) }
            history.forget(before: first)
            return try history.plan()
        }
    }

    func testAnEmptyLogHasNothingToRestore() throws {
        XCTAssertNil(try Log().plan())
    }

    func testOneLineRestoresEveryCompleteSet() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let sets = log.changes(a, epoch: 1, seq: 1) + log.changes(a, epoch: 1, seq: 2, chunks: 3) + log.changes(a, epoch: 1, seq: 3)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, a)
        XCTAssertEqual(plan.seq, 3)
        XCTAssertEqual(plan.nextSourceOffset, 300)
        XCTAssertEqual(plan.records, sets)
    }

    func testATornSetAndEverythingAfterItDoNotCount() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let first = log.changes(a, epoch: 1, seq: 1)
        log.changes(a, epoch: 1, seq: 2, chunks: 3, only: [0, 2])
        log.changes(a, epoch: 1, seq: 3)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.seq, 1)
        XCTAssertEqual(plan.nextSourceOffset, 100)
        XCTAssertEqual(plan.records, first)
    }

    func testRecordsSentTwiceCountOnce() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        log.claim(a, epoch: 1, .empty)
        let first = log.changes(a, epoch: 1, seq: 1)
        let second = log.changes(a, epoch: 1, seq: 2, chunks: 2)
        log.changes(a, epoch: 1, seq: 1)
        log.changes(a, epoch: 1, seq: 2, chunks: 2, only: [1])
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.seq, 2)
        XCTAssertEqual(plan.records, first + second)
    }

    func testAZombieWritingAfterANewerClaimIsIgnored() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let kept = log.changes(a, epoch: 1, seq: 1) + log.changes(a, epoch: 1, seq: 2)
        // A stalls; B restores A up to set 2 and claims. A wakes up and goes on writing.
        log.claim(b, epoch: 2, .parent(line: a, seq: 2))
        log.changes(a, epoch: 1, seq: 3)
        let own = log.changes(b, epoch: 2, seq: 1)
        log.changes(a, epoch: 1, seq: 4)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, b)
        XCTAssertEqual(plan.epoch, 2)
        XCTAssertEqual(plan.seq, 1)
        XCTAssertEqual(plan.records, kept + own)
        XCTAssertEqual(plan.highestEpoch, 2)
        XCTAssertEqual(plan.baseTime, 0, "built on A's claim from nothing, the first record")
    }

    func testANewClaimWithNothingWrittenYetResumesWhereItsParentStopped() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let kept = log.changes(a, epoch: 1, seq: 1)
        log.claim(b, epoch: 2, .parent(line: a, seq: 1))
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, b)
        XCTAssertEqual(plan.seq, 0)
        XCTAssertEqual(plan.nextSourceOffset, 100)
        XCTAssertEqual(plan.records, kept)
    }

    func testAClaimWhoseParentStateIsIncompleteLosesToTheParent() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let kept = log.changes(a, epoch: 1, seq: 1)
        // B claims on a set of A that is not (or no longer) complete in the log: B cannot be rebuilt.
        log.changes(a, epoch: 1, seq: 2, chunks: 2, only: [0])
        log.claim(b, epoch: 2, .parent(line: a, seq: 2))
        log.changes(b, epoch: 2, seq: 1)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, a)
        XCTAssertEqual(plan.seq, 1)
        XCTAssertEqual(plan.records, kept)
        XCTAssertEqual(plan.highestEpoch, 2, "the next claim must go above B, even though B lost")
    }

    func testAnOwnerThatDiedWritingItsFirstSnapshotLosesToTheLineBefore() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let kept = log.changes(a, epoch: 1, seq: 1)
        log.claim(c, epoch: 2, .snapshot)
        log.snapshot(c, epoch: 2, seq: 0, chunks: 3, only: [0, 1])
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, a)
        XCTAssertEqual(plan.records, kept)
    }

    func testOfTwoClaimsOfOneEpochTheLaterOneWins() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let kept = log.changes(a, epoch: 1, seq: 1)
        log.claim(b, epoch: 2, .parent(line: a, seq: 1))
        log.claim(c, epoch: 2, .parent(line: a, seq: 1))
        log.changes(b, epoch: 2, seq: 1)
        let own = log.changes(c, epoch: 2, seq: 1)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, c)
        XCTAssertEqual(plan.records, kept + own)
    }

    func testASnapshotStandsForEverythingBeforeIt() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        log.changes(a, epoch: 1, seq: 1)
        log.changes(a, epoch: 1, seq: 2)
        let snapshot = log.snapshot(a, epoch: 1, seq: 2, chunks: 2)
        let after = log.changes(a, epoch: 1, seq: 3)
        log.snapshot(a, epoch: 1, seq: 3, chunks: 2, only: [0])
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.seq, 3)
        XCTAssertEqual(plan.records, snapshot + after, "the torn snapshot of set 3 is not used; the complete one of set 2 is")
        XCTAssertEqual(plan.baseTime, snapshot[1] * 10, "the state is built on the snapshot written with its last chunk")
        // Retention dropped everything before the snapshot, the claim too: the same plan.
        XCTAssertEqual(try log.plan(droppingBefore: snapshot[0]), plan)
    }

    func testAParentRestoredFromItsSnapshot() throws {
        var log = Log()
        log.claim(a, epoch: 1, .snapshot)
        let snapshot = log.snapshot(a, epoch: 1, seq: 0)
        let own = log.changes(a, epoch: 1, seq: 1)
        log.changes(a, epoch: 1, seq: 2)
        log.claim(b, epoch: 2, .parent(line: a, seq: 1))
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, b)
        XCTAssertEqual(plan.records, snapshot + own)
        XCTAssertEqual(plan.nextSourceOffset, 100)
    }

    func testAParentSnapshotWrittenAfterTheClaimIsNotTheBase() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        let kept = log.changes(a, epoch: 1, seq: 1) + log.changes(a, epoch: 1, seq: 2)
        // A stalls with its snapshot of set 2 not sent yet; B restores A up to set 2 and claims; A wakes
        // up and its relay sends the snapshot. It holds the same state, but after B's records in the log.
        log.claim(b, epoch: 2, .parent(line: a, seq: 2))
        let own = log.changes(b, epoch: 2, seq: 1)
        log.snapshot(a, epoch: 1, seq: 2, chunks: 2)
        let more = log.changes(b, epoch: 2, seq: 2)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.line, b)
        XCTAssertEqual(plan.records, kept + own + more)
    }

    func testARecordSentAgainAfterAFailedSendCountsByTheCopyThatKeepsTheOrder() throws {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        // Chunk 0 of set 1 failed to send while chunk 1 went through; the relay sends both again.
        let firstSend = log.changes(a, epoch: 1, seq: 1, chunks: 2, only: [1])
        let again = log.changes(a, epoch: 1, seq: 1, chunks: 2)
        let second = log.changes(a, epoch: 1, seq: 2)
        let plan = try XCTUnwrap(log.plan())
        XCTAssertEqual(plan.seq, 2)
        XCTAssertEqual(plan.records, again + second)
        XCTAssertLessThan(firstSend[0], again[0])
    }

    /// Owners claim one after another, each on the state the log gives at that moment; their relays
    /// send late (zombies), fail and send again. After every record, the newest claim wins and its plan
    /// is in log order: what the applier reads in one pass.
    func testEveryPlanOfAnySimulatedHistoryIsInLogOrder() throws {
        for seed in UInt64(1)...200 {
            var random = TestRandom(seed: seed)
            var log = Log()
            var owners: [(line: Int64, epoch: Int64, seq: Int64, queue: [ChangelogRecord])] = []
            for _ in 0..<60 {
                switch random.below(10) {
                case 0 where owners.count < 6, _ where owners.isEmpty:
                    let plan = try log.plan()
                    let line = Int64(owners.count + 1)
                    let epoch = (plan?.highestEpoch ?? 0) + 1
                    log.claim(line, epoch: epoch, plan.map { .parent(line: $0.line, seq: $0.seq) } ?? .empty)
                    owners.append((line, epoch, 0, []))
                case 1...4:
                    let owner = random.below(owners.count)
                    let (line, epoch, seq) = (owners[owner].line, owners[owner].epoch, owners[owner].seq)
                    let isSnapshot = random.chance(33)
                    let next = isSnapshot ? seq : seq + 1
                    let chunks = random.below(3) + 1
                    for index in 0..<chunks {
                        let chunk = ChangelogRecord.Chunk(seq: next, index: index, isLast: index == chunks - 1, nextSourceOffset: next * 100)
                        let body: ChangelogRecord.Body = isSnapshot ? .snapshot(chunk) : .changes(chunk)
                        owners[owner].queue.append(ChangelogRecord(sourceTopic: "t", line: line, epoch: epoch, body: body))
                    }
                    owners[owner].seq = next
                default:
                    // The owner's relay sends a few records; one of them may fail, and then it and those
                    // after it are sent again.
                    let owner = random.below(owners.count)
                    let sending = Array(owners[owner].queue.prefix(random.below(4) + 1))
                    owners[owner].queue.removeFirst(sending.count)
                    let failed = random.chance(33) && !sending.isEmpty ? random.below(sending.count) : nil
                    for (index, record) in sending.enumerated() where index != failed { log.append(record) }
                    for record in sending.dropFirst(failed ?? sending.count) { log.append(record) }
                }
                let plan = try XCTUnwrap(log.plan(), "seed \(seed)")
                XCTAssertEqual(plan.line, owners.last?.line, "seed \(seed): the newest claim wins")
                XCTAssertTrue(zip(plan.records, plan.records.dropFirst()).allSatisfy { $0 < $1 }, "seed \(seed): \(plan.records)")
            }
        }
    }

    func testAHistoryWhoseBeginningExpiredCannotBeRestored() {
        var log = Log()
        log.claim(a, epoch: 1, .empty)
        log.changes(a, epoch: 1, seq: 1)
        let second = log.changes(a, epoch: 1, seq: 2)
        XCTAssertThrowsError(try log.plan(droppingBefore: second[0])) { error in
            XCTAssertTrue("\(error)".contains("none whose state is complete"), "\(error)")
        }
    }

    func testRecordsSurviveTheirEncoding() throws {
        let records = [
            ChangelogRecord(sourceTopic: "user-login", line: -5, epoch: 7, time: 1_700_000_000, body: .claim(.parent(line: Int64.min, seq: 42))),
            ChangelogRecord(sourceTopic: "t", line: 1, epoch: 1, body: .claim(.empty)),
            ChangelogRecord(sourceTopic: "t", line: 1, epoch: 1, body: .claim(.snapshot)),
            ChangelogRecord(
                sourceTopic: "ü", line: Int64.max, epoch: 3, time: 5,
                body: .changes(.init(seq: 9, index: 2, isLast: false, nextSourceOffset: nil)), payload: [1, 2, 3]
            ),
            ChangelogRecord(sourceTopic: "t", line: 2, epoch: 1, body: .snapshot(.init(seq: 0, nextSourceOffset: 1 << 40)), payload: [0]),
        ]
        for record in records {
            XCTAssertEqual(try ChangelogRecord(decoding: record.encoded), record)
            var header = record
            header.payload = []
            XCTAssertEqual(try ChangelogRecord(decoding: record.encoded, withPayload: false), header)
        }
        XCTAssertThrowsError(try ChangelogRecord(decoding: Array(records[3].encoded.prefix(12))))
        XCTAssertThrowsError(try ChangelogRecord(decoding: [9] + records[1].encoded.dropFirst()))
    }
}


import Foundation
import Synchronization
import Testing

@testable import Primitives

/// The one worker-thread type behind the commit, checkpoint and fetch-waker threads.
@Suite struct WorkerThreadTests {
    /// What the handler saw, readable from the test.
    final class Log: Sendable {
        let handled = Mutex<[Int]>([])
        let release = Atomic<Bool>(true)
        let running = Atomic<Int>(0)
        let startTimes = Mutex<[ContinuousClock.Instant]>([])

        @Sendable func handle(_ job: Int) {
            running.add(1, ordering: .relaxed)
            startTimes.withLock { $0.append(.now) }
            while !release.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.002) }
            handled.withLock { $0.append(job) }
            running.subtract(1, ordering: .relaxed)
        }
    }

    @Test func submitWaitsWhileAJobIsQueuedAndTheScopeHandlesItBeforeItEnds() {
        let log = Log()
        log.release.store(false, ordering: .relaxed)
        let submitted = Atomic<Int>(0)
        WorkerThread.run(named: "test-worker", handle: log.handle) { worker in
            worker.submit(1)
            while log.running.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.001) }
            worker.submit(2)  // queued while 1 runs
            #expect(!worker.isIdle)
            let third = Thread {
                worker.submit(3)  // waits until 2 starts
                submitted.store(3, ordering: .relaxed)
            }
            third.start()
            Thread.sleep(forTimeInterval: 0.05)
            #expect(submitted.load(ordering: .relaxed) == 0, "a third job was queued while one ran and one waited")
            log.release.store(true, ordering: .relaxed)
            while submitted.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.001) }
        }
        // The scope ended: the queued job was handled, and nothing runs any more.
        #expect(log.handled.withLock { $0 } == [1, 2, 3])
        #expect(log.running.load(ordering: .relaxed) == 0)
    }

    @Test func requestReplacesAJobThatHasNotStarted() {
        let log = Log()
        log.release.store(false, ordering: .relaxed)
        WorkerThread.run(named: "test-worker", handle: log.handle) { worker in
            worker.request(1)
            while log.running.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.001) }
            worker.request(2)
            worker.request(3)
            log.release.store(true, ordering: .relaxed)
            worker.waitUntilIdle()
            #expect(worker.isIdle)
        }
        #expect(log.handled.withLock { $0 } == [1, 3])
    }

    @Test func jobsStartAtLeastTheMinimumIntervalApart() {
        let log = Log()
        WorkerThread.run(named: "test-worker", minimumInterval: .milliseconds(100), handle: log.handle) { worker in
            for job in 1...3 {
                worker.request(job)
                worker.waitUntilIdle()
            }
        }
        let starts = log.startTimes.withLock { $0 }
        #expect(starts.count == 3)
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(later - earlier >= .milliseconds(100), "\(later - earlier) between two jobs")
        }
    }

    @Test func aThrowingBodyStillStopsTheThreadAfterItsQueuedJob() {
        struct Failure: Error {}
        let log = Log()
        #expect(throws: Failure.self) {
            try WorkerThread.run(named: "test-worker", minimumInterval: .seconds(60), handle: log.handle) { worker in
                worker.request(1)
                worker.waitUntilIdle()
                worker.request(2)  // would wait a minute for the interval; stopping starts it at once
                throw Failure()
            }
        }
        #expect(log.handled.withLock { $0 } == [1, 2])
    }

    @Test func anEmptyArrayHasBytesAndNoArrayHasNone() {
        #expect(withOptionalBytes(nil) { $0 == nil })
        #expect(withOptionalBytes([]) { $0 != nil && $0?.baseAddress != nil && $0?.count == 0 })
        #expect(withOptionalBytes([7, 8]) { $0.map(Array.init) == [7, 8] })
    }
}

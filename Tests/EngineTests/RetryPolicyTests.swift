import Testing

@testable import Engine

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, initialBackoffSeconds: 5, maxBackoffSeconds: 30, jitter: 0.2)

    @Test func backoffDoublesUpToTheMaximum() {
        #expect((1...6).map { policy.backoff(afterAttempt: $0) } == [5, 10, 20, 30, 30, 30])
        #expect(RetryPolicy(initialBackoffSeconds: 5, maxBackoffSeconds: 600).backoff(afterAttempt: 200) == 600, "no overflow")
    }

    @Test func jitterStaysWithinItsShare() {
        #expect(policy.nextAttempt(afterAttempt: 2, now: 1_000, unit: 0.5) == 1_010)
        #expect(policy.nextAttempt(afterAttempt: 2, now: 1_000, unit: 0) == 1_008)
        #expect(policy.nextAttempt(afterAttempt: 2, now: 1_000, unit: 0.999_999) == 1_012)
    }

    @Test func noAttemptIsLeftAfterTheLast() {
        #expect(policy.nextAttempt(afterAttempt: 4, now: 0, unit: 0.5) != nil)
        #expect(policy.nextAttempt(afterAttempt: 5, now: 0, unit: 0.5) == nil)
        #expect(RetryPolicy(maxAttempts: 1).nextAttempt(afterAttempt: 1, now: 0, unit: 0.5) == nil)
    }
}

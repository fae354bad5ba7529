/// When a piece of periodic work on the consumer thread is next due.
struct IntervalTimer {
    let interval: Duration
    private var next: ContinuousClock.Instant

    /// Due at once, then every `interval`.
    init(every interval: Duration) {
        self.interval = interval
        next = .now
    }

    /// Whether the work is due; when it is, the next time is one interval on.
    mutating func isDue() -> Bool {
        let now = ContinuousClock.now
        guard now >= next else { return false }
        next = now + interval
        return true
    }

    /// Makes the work due again at once: more of it is waiting.
    mutating func dueAgain() {
        next = .now
    }
}

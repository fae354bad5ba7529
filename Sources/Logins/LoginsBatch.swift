/// The staged effects of one batch of login events: the valid events, their counts per key, and the
/// outbox values, all ready to bind in the transaction.
public struct LoginsBatch: Sendable {
    var events = StagedLoginEvents()
    var counts: [LoginCountKey: Int64] = [:]
    /// Windows that start before this are late; read from the clock once per batch, `nil` until then.
    var lateBefore: Int64?
    /// The outbox values of the staged events, one after the other, encoded while staging (on the
    /// consumer thread) so that the transaction only binds them; `encodedEnds[i]` is where event i's ends.
    var encoded: [UInt8] = []
    var encodedEnds: [Int] = []
    /// The events' changelog rows and their offset ranges, when the changelog is on; encoded while staging.
    var eventChanges = StagedEventChanges()
}

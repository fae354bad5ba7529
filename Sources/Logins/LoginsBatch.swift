import Engine

/// The staged effects of one batch of login events: the valid events, their counts per key, and the
/// output messages, all ready to bind in the transaction.
public struct LoginsBatch: Sendable {
    var events = StagedLoginEvents()
    var counts: [LoginCountKey: Int64] = [:]
    /// Windows that start before this are late; read from the clock once per batch, `nil` until then.
    var lateBefore: Int64?
    /// The normalized events for the output topic, encoded while staging (on the consumer thread); named
    /// by their `login_events` rows when the events are stored.
    var output = StagedOutput(namedIn: nil)
    /// The events' changelog rows and their offset ranges, when the changelog is on; encoded while staging.
    var eventChanges = StagedEventChanges()
}

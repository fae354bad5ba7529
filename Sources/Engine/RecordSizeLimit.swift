/// The largest message a workload publishes or sends to the changelog, in bytes: a Kafka broker takes
/// messages of 1 MB by default, and a change set carries up to 256 KB of other rows beside it. A larger
/// message fails as `too_large` (kept in `failed_messages` with its bytes) rather than stopping the relay
/// on a record no broker takes.
public enum RecordSizeLimit {
    public static let largestEventBytes = 512 * 1024

    /// Why `message` is not processed when it is over the limit; nil when it is not.
    public static func failure(_ message: IncomingMessage) -> WorkloadFailure? {
        guard let size = message.value?.count, size > largestEventBytes else { return nil }
        return WorkloadFailure(
            errorClass: "too_large",
            reason: "the message is \(size) bytes; events of more than \(largestEventBytes) bytes are not published or sent to the changelog "
                + "(a Kafka broker takes 1 MB messages by default); counted only with --output-topic \"\" --changelog-topic off"
        )
    }
}

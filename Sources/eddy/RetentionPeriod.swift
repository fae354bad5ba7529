import ArgumentParser

/// How long rows stay: a duration (`7d`, `12h`, `30m`) or `off` to keep them forever.
struct RetentionPeriod: ExpressibleByArgument, CustomStringConvertible, Sendable {
    /// `nil` for `off`.
    var span: TimeSpan?

    init?(argument: String) {
        if argument.lowercased() == "off" {
            span = nil
        } else if let span = TimeSpan(argument: argument), span.seconds > 0 {
            self.span = span
        } else {
            return nil
        }
    }

    var seconds: Int64? { span?.seconds }
    var description: String { span?.description ?? "off" }
}

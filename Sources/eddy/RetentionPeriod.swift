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

extension Env {
    /// A ``RetentionPeriod`` from `name`, or `value` when it is not set.
    static func retention(_ name: String, default value: String) -> RetentionPeriod {
        let fallback = RetentionPeriod(argument: value)!
        guard let text = environment[name] else { return fallback }
        guard let parsed = RetentionPeriod(argument: text) else {
            record("\(name)=\(text) is not a retention period (examples: 7d, 12h, 30m, off)")
            return fallback
        }
        return parsed
    }
}

import ArgumentParser
import Primitives

/// A duration typed by a user: `250ms`, `5s`, `10m`, `2h`, `7d` (a bare number means seconds).
struct TimeSpan: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    var milliseconds: Int64

    init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    init?(argument: String) {
        guard let milliseconds = DurationText.milliseconds(argument) else { return nil }
        self.milliseconds = milliseconds
    }

    var seconds: Int64 { milliseconds / 1_000 }

    var description: String { DurationText.format(milliseconds: milliseconds) }

    static var defaultCompletionKind: CompletionKind { .default }
}

import ArgumentParser

/// A duration typed by a user: `250ms`, `5s`, `10m`, `2h`, `7d` (a bare number means seconds).
struct TimeSpan: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    var milliseconds: Int64

    init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        let (number, scale) =
            units.first { text.hasSuffix($0.0) && Int64(text.dropLast($0.0.count)) != nil }
            .map { (Int64(text.dropLast($0.0.count))!, $0.1) } ?? (Int64(text) ?? -1, 1_000)
        let (value, overflow) = number.multipliedReportingOverflow(by: scale)
        guard number >= 0, !overflow else { return nil }
        milliseconds = value
    }

    var seconds: Int64 { milliseconds / 1_000 }

    var description: String {
        for (unit, scale) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        where milliseconds >= scale && milliseconds % scale == 0 {
            return "\(milliseconds / scale)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

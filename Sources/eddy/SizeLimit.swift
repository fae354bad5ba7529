import ArgumentParser

/// A size typed by a user, or `off` for none: `500MB`, `10GB`, `64MiB` (KB, MB, GB count by 1000;
/// KiB, MiB, GiB by 1024; a bare number means bytes).
struct SizeLimit: ExpressibleByArgument, CustomStringConvertible, Sendable {
    /// `nil` for `off`.
    var bytes: Int64?

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if text.lowercased() == "off" {
            bytes = nil
            return
        }
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        let (number, scale) =
            units.first { text.uppercased().hasSuffix($0.0.uppercased()) && Int64(text.dropLast($0.0.count)) != nil }
            .map { (Int64(text.dropLast($0.0.count))!, $0.1) } ?? (Int64(text) ?? -1, 1)
        let (value, overflow) = number.multipliedReportingOverflow(by: scale)
        guard number > 0, !overflow else { return nil }
        bytes = value
    }

    var description: String { bytes.map { "\($0) bytes" } ?? "off" }

    static var defaultCompletionKind: CompletionKind { .default }
}

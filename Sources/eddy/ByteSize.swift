import Foundation

/// File sizes as the commands print them.
enum ByteSize {
    /// `12.3 MB` (MiB, one decimal).
    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}

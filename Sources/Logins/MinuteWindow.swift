/// Per-minute windows: a window starts at unix seconds aligned to the minute.
public enum MinuteWindow {
    /// The start of the minute that holds `timestamp` (unix seconds, not negative).
    public static func start(of timestamp: Int64) -> Int64 {
        timestamp - timestamp % 60
    }
}

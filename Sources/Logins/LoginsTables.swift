import Store

/// The workload's tables, as the changelog carries them: every row belongs to one source partition.
enum LoginsTables {
    static let events = PartitionedTable(
        name: "login_events",
        columns: ["topic", "partition", "offset", "user_id", "app_version", "device_type", "locale", "ip", "device_id", "event_time"],
        key: ["topic", "partition", "offset"],
        offsetColumn: "offset"
    )
    static let counts = PartitionedTable(
        name: "login_counts",
        columns: ["window_start", "device_type", "locale", "app_version", "topic", "partition", "logins", "updated_at"],
        key: ["window_start", "topic", "partition", "device_type", "locale", "app_version"],
        merges: ["logins": .add]
    )
    static let minutes = PartitionedTable(
        name: "login_event_minutes",
        columns: ["minute_start", "topic", "partition", "offset_block", "first_offset", "last_offset"],
        key: ["minute_start", "topic", "partition", "offset_block"],
        merges: ["first_offset": .min, "last_offset": .max]
    )

    static let all = [events, counts, minutes]
}

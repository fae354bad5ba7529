import Metrics
import Synchronization

/// The engine's swift-metrics instruments (Prometheus names once the process bootstraps a backend;
/// no-ops otherwise).
final class EngineMetrics: Sendable {
    let consumed = Metrics.Counter(label: "eddy_messages_consumed_total")
    let applied = Metrics.Counter(label: "eddy_messages_applied_total")
    let retried = Metrics.Counter(label: "eddy_failed_retried_total")
    let reprocessed = Metrics.Counter(label: "eddy_failed_reprocessed_total")
    let resolved = Metrics.Counter(label: "eddy_failed_resolved_total")
    let published = Metrics.Counter(label: "eddy_outbox_sent_total")
    let changelogSent = Metrics.Counter(label: "eddy_changelog_records_sent_total")
    let changelogReadBack = Metrics.Counter(label: "eddy_changelog_rows_read_back_total")
    let outputReadBack = Metrics.Counter(label: "eddy_output_records_read_back_total")
    let commitWaits = Metrics.Counter(label: "eddy_batch_commit_waits_total")
    let batchMessages = Recorder(label: "eddy_batch_messages", aggregate: true)
    let commitLatency = Metrics.Timer(label: "eddy_batch_commit_seconds")
    let lastCommit = Gauge(label: "eddy_last_commit_timestamp_seconds")
    let assigned = Gauge(label: "eddy_assigned_partitions")
    let outboxPending = Gauge(label: "eddy_outbox_pending")
    let databaseBytes = Gauge(label: "eddy_database_bytes")
    let walBytes = Gauge(label: "eddy_wal_bytes")
    let restoring = Gauge(label: "eddy_restore_in_progress")
    let refused = Gauge(label: "eddy_partitions_refused")
    let brokerReachable = Gauge(label: "eddy_broker_reachable")
    let lockWaiting = Gauge(label: "eddy_database_lock_waiting")
    let lockWaits = Metrics.Counter(label: "eddy_database_lock_waits_total")
    let diskFull = Gauge(label: "eddy_disk_full")
    let diskFullWaits = Metrics.Counter(label: "eddy_disk_full_waits_total")
    let messagesLost = Metrics.Counter(label: "eddy_messages_deleted_unread_total")
    let restoredRows = Metrics.Counter(label: "eddy_restored_rows_total")
    let restoreSeconds = Metrics.Timer(label: "eddy_restore_seconds")
    let failed = LabelledCounters(label: "eddy_messages_failed_total", dimension: "class")
    let pruned = LabelledCounters(label: "eddy_rows_pruned_total", dimension: "table")
    let written = LabelledCounters(label: "eddy_rows_written_total", dimension: "table")
    private let lagByPartition = Mutex<[String: Gauge]>([:])

    /// Removes the lag gauge of a partition this instance no longer owns: its last value would read as
    /// lag nobody works off.
    func forgetLag(topic: String, partition: Int32) {
        lagByPartition.withLock { $0.removeValue(forKey: "\(topic)/\(partition)")?.destroy() }
    }

    func lag(topic: String, partition: Int32, _ value: Int64) {
        lagByPartition.withLock { gauges in
            let key = "\(topic)/\(partition)"
            if gauges[key] == nil {
                gauges[key] = Gauge(label: "eddy_consumer_lag", dimensions: [("topic", topic), ("partition", "\(partition)")])
            }
            gauges[key]!.record(value)
        }
    }
}

import Store

/// Writes a batch's count increments as `login_counts` merge rows, each value that equals the row
/// before's as one byte: the rows come in partition and minute order, so a row repeats the topic, the
/// partition and the time of the change, often the minute. What it cost the commit thread to write every
/// value whole is in docs/performance.md.
struct LoginCountMerges {
    /// The last row written, and the row count of its change set just after it: the row before the
    /// next one only when that set has not changed since.
    private var last: (key: LoginCountKey, now: Int64, rowCount: Int)?

    mutating func append(_ key: LoginCountKey, logins: Int64, now: Int64, to set: inout ChangeSet) {
        set.merge(LoginsTables.counts)
        let before = last.flatMap { last in
            last.key.partition == key.partition && last.key.topic == key.topic && last.rowCount + 1 == set.rowCount ? last : nil
        }
        set.append(key.windowStart, before: before?.key.windowStart)
        set.append(key.deviceType, before: before?.key.deviceType)
        set.append(key.locale, before: before?.key.locale)
        set.append(key.appVersion, before: before?.key.appVersion)
        set.append(key.topic, before: before?.key.topic)
        set.append(Int64(key.partition), before: before.map { Int64($0.key.partition) })
        set.append(logins)
        set.append(now, before: before?.now)
        last = (key, now, set.rowCount)
    }
}

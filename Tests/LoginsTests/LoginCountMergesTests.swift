import GRDB
import Store
import Testing

@testable import Logins

/// The count merges repeat a value only after their own row in the same change set: rows of another
/// partition, another table or a fresh set in between make the next row whole, and every row decodes to
/// the key, increment and time written.
@Suite struct LoginCountMergesTests {
    private func key(_ minute: Int64, _ device: String, partition: Int32) -> LoginCountKey {
        LoginCountKey(windowStart: minute, deviceType: device, locale: "en", appVersion: "1.0", topic: "user-login", partition: partition)
    }

    private func decodedCounts(_ bytes: [UInt8]) throws -> [[DatabaseValue]] {
        var rows: [[DatabaseValue]] = []
        try ChangeSet.forEachRow(in: bytes) { section, values in if section.table == "login_counts" { rows.append(values) } }
        return rows
    }

    private func values(_ key: LoginCountKey, _ logins: Int64, _ now: Int64) -> [DatabaseValue] {
        [key.windowStart.databaseValue, key.deviceType.databaseValue, key.locale.databaseValue, key.appVersion.databaseValue,
         key.topic.databaseValue, Int64(key.partition).databaseValue, logins.databaseValue, now.databaseValue]
    }

    @Test func aRowRepeatsOnlyItsOwnRowBefore() throws {
        var merges = LoginCountMerges()
        var one = ChangeSet()
        var two = ChangeSet()
        let a = key(60, "ios", partition: 1)
        let b = key(120, "web", partition: 1)
        merges.append(a, logins: 3, now: 9, to: &one)
        merges.append(a, logins: 4, now: 9, to: &one)
        // Another partition's set in between: its first row is whole, and so is the next row of `one`.
        merges.append(key(60, "ios", partition: 2), logins: 5, now: 9, to: &two)
        merges.append(a, logins: 6, now: 9, to: &one)
        // A row of another table in the same set: the section changes, the next count is whole again.
        one.upsert(LoginsTables.events)
        for value in [DatabaseValue]([
            "user-login".databaseValue, 1.databaseValue, 7.databaseValue, "u".databaseValue, "1.0".databaseValue, "ios".databaseValue,
            "en".databaseValue, DatabaseValue.null, DatabaseValue.null, 60.databaseValue,
        ]) { one.append(value) }
        merges.append(b, logins: 7, now: 10, to: &one)
        merges.append(a, logins: 8, now: 10, to: &one)
        // A count row of the same section written by someone else: the next row must not repeat it.
        let other = key(180, "android", partition: 1)
        one.merge(LoginsTables.counts)
        for value in values(other, 1, 11) { one.append(value) }
        merges.append(a, logins: 2, now: 10, to: &one)
        // A fresh set for the same partition, as when a chunk is full.
        var three = ChangeSet()
        merges.append(a, logins: 9, now: 10, to: &three)

        #expect(try decodedCounts(one.bytes) == [values(a, 3, 9), values(a, 4, 9), values(a, 6, 9), values(b, 7, 10), values(a, 8, 10), values(other, 1, 11), values(a, 2, 10)])
        #expect(try decodedCounts(two.bytes) == [values(key(60, "ios", partition: 2), 5, 9)])
        #expect(try decodedCounts(three.bytes) == [values(a, 9, 10)])
    }

    @Test func repeatedValuesShrinkTheRows() throws {
        var merges = LoginCountMerges()
        var set = ChangeSet()
        merges.append(key(60, "ios", partition: 1), logins: 1, now: 9, to: &set)
        let first = set.bytes.count
        merges.append(key(60, "web", partition: 1), logins: 1, now: 9, to: &set)
        // Row byte, minute, "web" (5 bytes), locale, version, topic, partition, increment (2), time.
        #expect(set.bytes.count - first == 1 + 1 + 5 + 1 + 1 + 1 + 1 + 2 + 1)
    }
}

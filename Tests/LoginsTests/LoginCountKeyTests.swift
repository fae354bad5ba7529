import Engine
import Foundation
import GRDB
import Store
import Testing

@testable import Logins

/// A count key is its bytes, as in SQLite: texts Swift calls equal but spelled with other bytes are
/// counted apart, in one batch as across batches.
@Suite struct LoginCountKeyTests {
    @Test func canonicallyEquivalentLocalesAreCountedApart() throws {
        let directory = NSTemporaryDirectory() + "eddy-count-key-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(path: directory + "/eddy.db")
        try Migrations.apply(to: store, workload: LoginsMigrations.all)
        let workload = LoginsWorkload(settings: LoginsSettings(eventsRetentionSeconds: nil, countsRetentionSeconds: nil))
        #expect("\u{E9}" == "e\u{301}", "Swift takes them for one text")

        var batch = workload.makeBatch(capacity: 3)
        for (offset, locale) in ["\u{E9}", "e\u{301}", "\u{E9}"].enumerated() {
            let json = #"{"user_id":"u","timestamp":1700000000,"locale":"\#(locale)"}"#
            let failure = Array(json.utf8).withUnsafeBytes {
                workload.stage(IncomingMessage(topic: "t", partition: 0, offset: Int64(offset), key: nil, value: $0), into: &batch)
            }
            #expect(failure == nil)
        }
        try store.write { db in try workload.apply(batch, to: db, now: 1_700_000_000, changes: nil) }
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT hex(locale) AS locale, logins FROM login_counts ORDER BY locale").map {
                "\($0["locale"] as String):\($0["logins"] as Int)"
            }
        }
        #expect(rows == ["65CC81:1", "C3A9:2"])
        try store.close()
    }
}

import GRDB
import Store

/// Keeps `eddy mirror`'s file and an instance's database apart: the mirror marks its file (SQLite's
/// `application_id`), an instance refuses a marked file, and the mirror refuses a file an instance
/// has written. Either one writing into the other's file would corrupt both.
enum MirrorFile {
    /// "eddM": the `application_id` of a mirror's file.
    static let applicationID: Int32 = 0x6564_644D

    /// Marks `store` as a mirror's file.
    /// - Throws: `CommandError` when an instance has written it.
    static func claim(_ store: Store) throws {
        let (id, written) = try store.read { db in
            (
                try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM consumer_offsets) + (SELECT COUNT(*) FROM outbox)") ?? 0
            )
        }
        if id == applicationID { return }
        guard written == 0 else {
            throw CommandError("\(store.path) is an instance's database: give eddy mirror a file of its own (--db)")
        }
        try store.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA application_id = \(applicationID)") }
    }

    /// - Throws: `CommandError` when `store` is a mirror's file.
    static func refuse(_ store: Store) throws {
        let id = try store.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 }
        guard id != applicationID else {
            throw CommandError("\(store.path) is eddy mirror's file: an instance needs a database of its own (--db)")
        }
    }
}

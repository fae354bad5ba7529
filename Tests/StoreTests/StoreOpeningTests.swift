import Foundation
import GRDB
import Testing

@testable import Store

/// Opening the database file while another connection reads it.
@Suite struct StoreOpeningTests {
    /// A reader (the sqlite3 shell, the bench's probe) that holds the brand-new, empty file when Eddy
    /// starts makes Eddy wait for it, not fail with "database is locked".
    @Test func aNewFileHeldByAReaderIsOpenedOnceTheReaderLetsGo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("eddy.db")
        FileManager.default.createFile(atPath: path, contents: nil)
        let reader = try DatabaseQueue(path: path)
        let holding = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? reader.inDatabase { db in
                try db.execute(sql: "BEGIN")
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master")
                holding.signal()
                Thread.sleep(forTimeInterval: 0.5)
                try db.execute(sql: "COMMIT")
            }
            released.signal()
        }
        holding.wait()
        let store = try Store(path: path)
        released.wait()
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        try store.close()
    }
}

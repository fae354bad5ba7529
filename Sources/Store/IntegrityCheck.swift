import Foundation
import GRDB

extension Store {
    /// Reads every page of the database at `path` (`PRAGMA quick_check`) through a read-only connection,
    /// before anything opens it for writing: damage in the middle of a file whose header is intact is
    /// found at start, and the file is left as it is. A missing or empty file passes. It takes about as
    /// long as reading the file once.
    /// - Throws: `StoreError` naming the first problems found and the recovery.
    public static func quickCheck(_ path: String) throws(StoreError) {
        guard fileSize(path) > 0 else { return }
        let problems: [String]
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(3)") }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            throw .cannotOpen(path, damaged("quick_check: \(error.message ?? "\(error.resultCode)")"))
        } catch {
            throw .cannotOpen(path, describe(error))
        }
        guard problems == ["ok"] else { throw .cannotOpen(path, damaged("quick_check: \(problems.joined(separator: "; "))")) }
    }
}

import Foundation
import GRDB

/// The demo starts from an empty database, but it only ever deletes a file that is an Eddy database.
enum DemoDatabase {
    /// Removes the database at `path` (and its WAL files) when it is an Eddy database.
    /// - Throws: `CommandError` when a file is there that is not one.
    static func removeEarlierDemo(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        let isEddy = (try? DatabaseQueue(path: path, configuration: configuration).read { db in
            try db.tableExists("grdb_migrations") && db.tableExists("consumer_offsets")
        }) ?? false
        guard isEddy else {
            throw CommandError("--db \(path) exists and is not an Eddy database; choose another path")
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

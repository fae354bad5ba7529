import Foundation
import Logins
import Store

/// A database with the engine's and the Logins workload's tables, in a new temporary directory.
/// - Returns: the store, and what removes the directory.
func makeLoginsStore() throws -> (Store, () -> Void) {
    let directory = NSTemporaryDirectory() + "eddy-logins-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let store = try Store(path: directory + "/eddy.db")
    try Migrations.apply(to: store, workload: LoginsMigrations.all)
    return (store, { try? FileManager.default.removeItem(atPath: directory) })
}

import Foundation
import Logins
import Testing

@testable import Store

/// The binary carries every owner's migrations; this fails when a `.sql` file under `migrations/`
/// changed without `make migrations`, or a folder appeared that nothing embeds.
@Suite struct EmbeddedMigrationsTests {
    static let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../migrations").standardized
    /// Each folder of `migrations/` and the generated list that embeds it.
    static let owners = ["engine": EngineMigrations.all, "logins": LoginsMigrations.all]

    @Test func everyFolderHasAnEmbeddedCopy() throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: Self.migrations.path).sorted() == Self.owners.keys.sorted())
    }

    @Test(arguments: owners.keys.sorted()) func embeddedCopyMatchesTheFiles(folder: String) throws {
        let directory = Self.migrations.appendingPathComponent(folder)
        let embedded = try #require(Self.owners[folder])
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        let names = files.map { String($0.dropLast(4)) }.sorted()
        #expect(!names.isEmpty)
        #expect(names == embedded.map(\.name), "migrations/\(folder) differs from its embedded copy: run `make migrations`")
        for migration in embedded where names.contains(migration.name) {
            let text = try String(contentsOf: directory.appendingPathComponent(migration.name + ".sql"), encoding: .utf8)
            let message: Comment = "migrations/\(folder)/\(migration.name).sql differs: run `make migrations`"
            #expect(text.trimmingCharacters(in: .newlines) == migration.sql, message)
        }
    }
}

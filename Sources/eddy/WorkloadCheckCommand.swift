import ArgumentParser
import Declared
import Foundation

struct WorkloadCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a workload file and print the tables it declares, as SQL.",
        discussion: """
            Reads the file as `eddy run` would and stops at the first problem, naming its line, its key and what \
            to write instead (exit 1). A valid file prints what it reads and the CREATE TABLE of each table it \
            keeps. With --db, it compares the file with that database instead: the tables it would create, the \
            columns it would add to tables an earlier version of the file made, or why the file cannot change \
            them in place (a dropped column, a changed type, key, window or measure: exit 1).

            Examples:
              eddy workload check workloads/orders.yaml
              eddy workload check workloads/orders.yaml --db /var/lib/eddy/eddy.db
            """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("Compare the file with this database (read only) instead of printing its tables.", valueName: "db"))
    var db: String?

    func run() throws {
        let definition: WorkloadDefinition
        do {
            definition = try DefinitionReader.read(file: file)
        } catch {
            throw CommandError(error.description)
        }
        let schema = DeclaredSchema(definition)
        if let db {
            print(try Self.plan(schema, against: db).map { "\(db): \($0)" }.joined(separator: "\n"))
            return
        }
        print("-- \(file): the workload \(definition.name) reads \(definition.topics.joined(separator: ", ")) and keeps \(schema.tables.count) tables.")
        if let output = definition.output {
            print("-- Each valid message is published to \(output.topic), keyed by \(output.key).")
        }
        for statement in schema.statements { print("\n" + statement) }
    }

    /// The plan against the database at `path`, read through a read-only connection.
    private static func plan(_ schema: DeclaredSchema, against path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError("there is no database at \(path): without --db, check prints the tables a new database gets")
        }
        do {
            return try DeclaredMigrationPlan.make(schema, databaseAt: path).summary
        } catch let error as DeclaredChangeError {
            throw CommandError("\(path): \(error)")
        } catch {
            throw CommandError("\(path) cannot be read: \(error)")
        }
    }
}

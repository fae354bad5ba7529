import ArgumentParser
import Declared

struct WorkloadCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a workload file and print the tables it declares, as SQL.",
        discussion: """
            Reads the file as `eddy run` would and stops at the first problem, naming its line, its key and what \
            to write instead (exit 1). A valid file prints what it reads and the CREATE TABLE of each table it \
            keeps.

            Example:
              eddy workload check workloads/orders.yaml
            """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "file")) var file: String

    func run() throws {
        let definition: WorkloadDefinition
        do {
            definition = try DefinitionReader.read(file: file)
        } catch {
            throw CommandError(error.description)
        }
        let schema = DeclaredSchema(definition)
        print("-- \(file): the workload \(definition.name) reads \(definition.topics.joined(separator: ", ")) and keeps \(schema.tables.count) tables.")
        if let output = definition.output {
            print("-- Each valid message is published to \(output.topic), keyed by \(output.key).")
        }
        for statement in schema.statements { print("\n" + statement) }
    }
}

import ArgumentParser

struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Work with workload files: what Eddy computes from a JSON topic, declared in YAML.",
        discussion: """
            A workload file declares the topics, the fields of their JSON messages, and the tables Eddy keeps \
            from them: an events table, aggregations per tumbling window, an output topic (docs/workloads.md; \
            workloads/ holds examples).
            """,
        subcommands: [WorkloadCheckCommand.self]
    )
}

import ArgumentParser

struct FailedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failed",
        abstract: "Look at the dead-letter rows in failed_messages and flag them for reprocessing.",
        discussion: """
            Every message Eddy could not process is a row of failed_messages with its exact bytes: transient \
            failures are retried with backoff (status retrying), the others are dead until reprocessed. \
            Reprocessing runs a row through the current workload again; a row that now succeeds is applied \
            and marked resolved in one transaction.

            Examples:
              eddy failed list --status dead --class invalid
              eddy failed show 42
              eddy failed reprocess --class invalid
            """,
        subcommands: [FailedListCommand.self, FailedShowCommand.self, FailedReprocessCommand.self]
    )
}

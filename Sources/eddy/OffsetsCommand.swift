import ArgumentParser

struct OffsetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offsets",
        abstract: "Change where a partition resumes, when its stored offset no longer matches the broker's log.",
        discussion: """
            The stored offsets in consumer_offsets are the truth Eddy resumes from (`eddy status` shows them). \
            When a topic is deleted and recreated, or the broker loses data, a stored offset can lie past \
            the partition's end: `eddy run` then refuses that partition, says so in its log and /readyz, and \
            names the command to run here.

            Example:
              eddy offsets reset --db eddy.db --topic user-login --partition 3 --to 0
            """,
        subcommands: [OffsetsResetCommand.self]
    )
}

import ArgumentParser

/// `--config FILE`: read before the command line is parsed (see ``EddyCommand/main()``), because the
/// file supplies the defaults of the other options.
struct ConfigFileOptions: ParsableArguments {
    static let variable = "EDDY_CONFIG_FILE"

    @Option(
        name: .customLong("config"),
        help: "A JSON file of settings, beneath the environment: {\"batch-size\": 5000, \"kafka\": {...}}. [env: EDDY_CONFIG_FILE]"
    )
    var path: String?

    /// The file named by `--config FILE` or `--config=FILE` in `arguments`, else by `EDDY_CONFIG_FILE`.
    static func path(in arguments: [String], environment: [String: String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }
}

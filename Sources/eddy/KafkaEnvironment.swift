import Foundation
import Kafka

/// librdkafka properties passed through the environment and the config file's `"kafka"` object:
/// `EDDY_KAFKA_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol` (the name lower-cased, underscores
/// become dots) and wins over the file. `EDDY_KAFKA_SASL_PASSWORD_FILE=/run/secrets/kafka`, or
/// `"sasl.password_file"` in the file, reads `sasl.password` from a file.
enum KafkaEnvironment {
    static let prefix = "EDDY_KAFKA_"

    /// The properties found in the config file, then in `environment`.
    /// - Throws: `CommandError` naming a `*_FILE` variable or `_file` key whose file cannot be read.
    static func properties(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        file: ConfigFile? = Env.file
    ) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in file?.kafka ?? [:] {
            if name.hasSuffix("_file") {
                result[String(name.dropLast("_file".count))] = try secret(at: value, for: "\"kafka\".\"\(name)\" in \(file?.path ?? "")")
            } else {
                result[name] = value
            }
        }
        for (variable, value) in environment where variable.hasPrefix(prefix) && variable.count > prefix.count {
            var name = String(variable.dropFirst(prefix.count))
            var resolved = value
            if name.hasSuffix("_FILE") {
                name = String(name.dropLast("_FILE".count))
                resolved = try secret(at: value, for: variable)
            }
            result[name.lowercased().replacingOccurrences(of: "_", with: ".")] = resolved
        }
        return result
    }

    /// The contents of the file at `path` without its trailing newline.
    private static func secret(at path: String, for setting: String) throws -> String {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw CommandError("\(setting): cannot read the file \(path)")
        }
        return String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}

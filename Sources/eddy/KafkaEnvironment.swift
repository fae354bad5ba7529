import Foundation
import Kafka

/// librdkafka properties passed through the environment: `EDDY_KAFKA_SECURITY_PROTOCOL=SASL_SSL` sets
/// `security.protocol` (the name lower-cased, underscores become dots), and
/// `EDDY_KAFKA_SASL_PASSWORD_FILE=/run/secrets/kafka` reads `sasl.password` from a file.
enum KafkaEnvironment {
    static let prefix = "EDDY_KAFKA_"

    /// The properties found in `environment`.
    /// - Throws: `CommandError` naming a `*_FILE` variable whose file cannot be read.
    static func properties(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: String] {
        var result: [String: String] = [:]
        for (variable, value) in environment where variable.hasPrefix(prefix) && variable.count > prefix.count {
            var name = String(variable.dropFirst(prefix.count))
            var resolved = value
            if name.hasSuffix("_FILE") {
                name = String(name.dropLast("_FILE".count))
                guard let contents = FileManager.default.contents(atPath: value) else {
                    throw CommandError("\(variable): cannot read the file \(value)")
                }
                resolved = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .newlines)
            }
            result[name.lowercased().replacingOccurrences(of: "_", with: ".")] = resolved
        }
        return result
    }
}

import Configuration
import Foundation
import SystemPackage

/// The optional JSON config file (`--config` or `EDDY_CONFIG_FILE`), the layer beneath the environment:
/// option names as keys (`"batch-size": 5000`, `"retain-events": "7d"`) and librdkafka properties in a
/// `"kafka"` object (`"kafka": {"security.protocol": "SASL_SSL", "sasl.password_file": "/run/secrets/kafka"}`).
struct ConfigFile: Sendable {
    let path: String
    let provider: FileProvider<JSONSnapshot>
    /// The `"kafka"` object's properties as given, before `_file` values are read.
    let kafka: [String: String]

    /// Reads and checks the file at `path`.
    /// - Throws: `CommandError` naming the file when it cannot be read or is not a JSON object of settings.
    static func load(_ path: String) async throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("config file \(path): cannot read it (does it exist, and may this user read it?)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CommandError("config file \(path): not valid JSON (\(error.localizedDescription))")
        }
        guard let settings = object as? [String: Any] else {
            throw CommandError("config file \(path): must hold one JSON object of settings")
        }
        let provider = try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
        return ConfigFile(path: path, provider: provider, kafka: try kafkaProperties(settings["kafka"], in: path))
    }

    private static func kafkaProperties(_ value: Any?, in path: String) throws -> [String: String] {
        guard let value else { return [:] }
        guard let object = value as? [String: Any] else {
            throw CommandError("config file \(path): \"kafka\" must be an object of librdkafka properties")
        }
        return try object.mapValues { property in
            switch property {
            case let text as String: return text
            case let number as NSNumber: return number.stringValue
            default: throw CommandError("config file \(path): the values in \"kafka\" must be strings or numbers")
            }
        }
    }
}

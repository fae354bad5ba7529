import CLibrdKafka

/// librdkafka properties (`bootstrap.servers`, `group.id`, `security.protocol`, ...), applied in order.
public struct KafkaConfig: Sendable {
    /// Property name → value, exactly as librdkafka spells them.
    public var properties: [String: String]

    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    public subscript(name: String) -> String? {
        get { properties[name] }
        set { properties[name] = newValue }
    }

    /// Sets `name` only when the user has not set it.
    public mutating func setDefault(_ name: String, _ value: String) {
        if properties[name] == nil { properties[name] = value }
    }

    /// Names whose values are secrets and must never be printed.
    public static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.contains("password") || lowered.contains("secret")
            || ["sasl.oauthbearer.config", "ssl.key.pem"].contains(lowered)
    }

    /// The properties with secret values replaced by `***`, for logs and error messages.
    public var redacted: [String: String] {
        properties.reduce(into: [:]) { result, item in
            result[item.key] = Self.isSecret(item.key) ? "***" : item.value
        }
    }

    /// A new `rd_kafka_conf_t` holding every property; the caller owns it.
    /// - Throws: `KafkaError` naming the first property librdkafka rejects.
    func makeHandle() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw .configuration(name, reason)
            }
        }
        return conf
    }
}

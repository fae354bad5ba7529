import CLibrdKafka

/// An error reported by librdkafka or by Eddy's Kafka layer, with what to do about it.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's `rd_kafka_resp_err_t` value (negative values are client-side errors).
    public var code: Int32
    /// What happened, in words.
    public var message: String
    /// The client cannot continue; the process should stop.
    public var isFatal: Bool
    /// Trying the same call again may succeed.
    public var isRetriable: Bool

    public init(code: Int32, message: String, isFatal: Bool = false, isRetriable: Bool = false) {
        self.code = code
        self.message = message
        self.isFatal = isFatal
        self.isRetriable = isRetriable
    }

    /// An error from a `rd_kafka_resp_err_t`, with `context` saying what Eddy was doing.
    init(_ err: rd_kafka_resp_err_t, _ context: String) {
        let text = String(cString: rd_kafka_err2str(err))
        self.init(code: err.rawValue, message: "\(context): \(text)")
    }

    /// An error from an `rd_kafka_error_t`, which it destroys.
    init(consuming error: OpaquePointer, _ context: String) {
        let text = String(cString: rd_kafka_error_string(error))
        self.init(
            code: rd_kafka_error_code(error).rawValue,
            message: "\(context): \(text)",
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0
        )
        rd_kafka_error_destroy(error)
    }

    public var description: String { message }

    /// A configuration property librdkafka rejected.
    static func configuration(_ name: String, _ reason: String) -> KafkaError {
        KafkaError(
            code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
            message: "invalid Kafka setting '\(name)': \(reason)"
        )
    }
}

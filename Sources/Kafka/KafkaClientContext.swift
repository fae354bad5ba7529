import CLibrdKafka
import Logging
import Synchronization

/// What librdkafka's callbacks reach through the handle's opaque pointer.
///
/// `@unchecked Sendable`: the callbacks run on librdkafka's threads. `logger` is immutable and Sendable;
/// `reported` is behind a Mutex; `rebalance` and `delivery` are set before the handle exists and never
/// change, and `rebalance` is only ever called from `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`,
/// on the consumer's own thread.
final class KafkaClientContext: @unchecked Sendable {
    let logger: Logger
    /// The last error librdkafka reported, and the first fatal one not yet taken.
    let reported = Mutex<(last: KafkaError?, fatal: KafkaError?)>((nil, nil))
    var rebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?
    var delivery: (@Sendable (UInt64, KafkaError?) -> Void)?

    init(logger: Logger) {
        self.logger = logger
    }

    /// Installs the callbacks on `conf` and points its opaque at this context.
    /// The context must outlive the handle made from `conf`.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        if rebalance != nil { rd_kafka_conf_set_rebalance_cb(conf, kafkaRebalanceCallback) }
        if delivery != nil { rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryCallback) }
    }

    /// A new librdkafka client of `type` configured by `config`, whose callbacks reach this context.
    /// The context must outlive the handle.
    /// - Throws: `KafkaError` naming a rejected setting, or saying why the client cannot be created.
    func makeClient(_ type: rd_kafka_type_t, _ config: KafkaConfig, _ what: String) throws(KafkaError) -> OpaquePointer {
        let conf = try config.makeHandle()
        install(on: conf)
        var errorText = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let reason = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: "cannot create \(what): \(reason)")
        }
        return rk
    }

    /// Remembers an error librdkafka reported.
    func record(_ error: KafkaError) {
        reported.withLock {
            $0.last = error
            if error.isFatal, $0.fatal == nil { $0.fatal = error }
        }
    }

    /// The fatal error reported since the last call, if any.
    func takeFatalError() -> KafkaError? {
        reported.withLock { state in
            defer { state.fatal = nil }
            return state.fatal
        }
    }

    /// The last error librdkafka reported, if any: why a broker could not be reached.
    var lastError: KafkaError? { reported.withLock { $0.last } }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> KafkaClientContext? {
        opaque.map { Unmanaged<KafkaClientContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

import CLibrdKafka
import Logging

// librdkafka's C callbacks. They are file-scope functions (not closures) so that they carry no actor
// isolation; each finds its KafkaClientContext through the handle's opaque pointer.

func kafkaLogCallback(_ rk: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard let context = KafkaClientContext.from(rd_kafka_opaque(rk)), let text else { return }
    let swiftLevel: Logger.Level =
        switch level {
        case ...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    let name = facility.map { String(cString: $0) } ?? "kafka"
    context.logger.log(level: swiftLevel, "\(String(cString: text))", metadata: ["librdkafka": "\(name)"])
}

func kafkaErrorCallback(_ rk: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let context = KafkaClientContext.from(opaque) else { return }
    let err = rd_kafka_resp_err_t(rawValue: code)
    var error = KafkaError(err, reason.map { String(cString: $0) } ?? "Kafka error")
    if err == RD_KAFKA_RESP_ERR__FATAL {
        var text = [CChar](repeating: 0, count: 512)
        let original = rd_kafka_fatal_error(rk, &text, text.count)
        let detail = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        error = KafkaError(code: original.rawValue, message: "fatal Kafka error: \(detail)", isFatal: true)
    }
    context.logger.warning("\(error.message)")
    context.record(error)
}

func kafkaRebalanceCallback(
    _ rk: OpaquePointer?,
    _ err: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let context = KafkaClientContext.from(opaque), let rk, let partitions else { return }
    context.rebalance?(rk, err, partitions)
}

func kafkaDeliveryCallback(_ rk: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let context = KafkaClientContext.from(opaque), let message else { return }
    let id = UInt64(UInt(bitPattern: message.pointee._private))
    let error =
        message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR
        ? nil : KafkaError(message.pointee.err, "delivery to partition \(message.pointee.partition) failed")
    context.delivery?(id, error)
}

import Foundation
import GRDB

/// One `failed_messages` row as stored.
public struct StoredFailure: Sendable, Equatable {
    public var id: Int64
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The exact key bytes; `nil` when the message had none.
    public var key: [UInt8]?
    /// The exact value bytes; `nil` for a tombstone.
    public var payload: [UInt8]?
    /// The headers as stored: a JSON array of `[name, base64 value or null]`, or `nil`.
    public var headers: String?
    public var errorClass: String
    public var error: String
    public var attempts: Int
    public var status: FailureStatus
    public var reprocess: Bool
    public var firstFailedAt: Int64
    public var lastAttemptAt: Int64
    public var nextAttemptAt: Int64?

    /// The headers decoded, in order.
    public var decodedHeaders: [(name: String, value: [UInt8]?)] { HeaderCoding.decode(headers) }

    static let columns =
        "id, topic, partition, offset, key, payload, headers, error_class, error, attempts, status, reprocess, "
        + "first_failed_at, last_attempt_at, next_attempt_at"

    init(row: Row) {
        id = row[0]
        topic = row[1]
        partition = row[2]
        offset = row[3]
        key = (row[4] as Data?).map { Array($0) }
        payload = (row[5] as Data?).map { Array($0) }
        headers = row[6]
        errorClass = row[7]
        error = row[8]
        attempts = row[9]
        status = FailureStatus(rawValue: row[10]) ?? .dead
        reprocess = row[11]
        firstFailedAt = row[12]
        lastAttemptAt = row[13]
        nextAttemptAt = row[14]
    }
}

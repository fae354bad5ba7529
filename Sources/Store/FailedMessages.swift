import Foundation
import GRDB

/// The `failed_messages` table: the retry table and the dead-letter store.
public enum FailedMessages {
    /// Inserts `message` as a `dead` row inside the caller's transaction.
    /// - Throws: when the row cannot be written; the caller's transaction must then fail so that the
    ///   offset never moves past a message recorded nowhere.
    public static func insertDead(_ db: Database, _ message: FailedMessage, now: Int64) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO failed_messages
                    (topic, partition, offset, key, payload, headers, error_class, error, attempts, status,
                     first_failed_at, last_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 'dead', ?, ?)
                """
        )
        try statement.execute(arguments: [
            message.topic, message.partition, message.offset,
            message.key.map { Data($0) }, message.payload.map { Data($0) }, encodeHeaders(message.headers),
            message.errorClass, message.error, now, now,
        ])
    }

    /// Row counts by status and error class.
    public static func counts(_ db: Database) throws -> [(status: String, errorClass: String, count: Int)] {
        try Row.fetchAll(
            db,
            sql: "SELECT status, error_class, COUNT(*) FROM failed_messages GROUP BY status, error_class ORDER BY 1, 2"
        ).map { ($0[0], $0[1], $0[2]) }
    }

    /// Headers as a JSON array of `[name, base64 value or null]`; `nil` when there are none.
    static func encodeHeaders(_ headers: [(name: String, value: [UInt8]?)]) -> String? {
        guard !headers.isEmpty else { return nil }
        let array: [[Any]] = headers.map { [$0.name, $0.value.map { Data($0).base64EncodedString() } ?? NSNull()] }
        guard let data = try? JSONSerialization.data(withJSONObject: array) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

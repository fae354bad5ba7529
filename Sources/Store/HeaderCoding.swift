import Foundation

/// Kafka headers stored as text: a JSON array of `[name, base64 value or null]`, `NULL` when there are none.
enum HeaderCoding {
    static func encode(_ headers: [(name: String, value: [UInt8]?)]) -> String? {
        guard !headers.isEmpty else { return nil }
        let array: [[Any]] = headers.map { [$0.name, $0.value.map { Data($0).base64EncodedString() } ?? NSNull()] }
        guard let data = try? JSONSerialization.data(withJSONObject: array) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [(name: String, value: [UInt8]?)] {
        guard let text, let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] else { return [] }
        return array.map { pair in
            (pair.first as? String ?? "", (pair.last as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) })
        }
    }
}

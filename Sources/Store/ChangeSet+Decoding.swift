import Foundation
import GRDB
import Primitives

extension ChangeSet {
    /// A run of rows of one table and operation, as a change set names them.
    public struct Section: Hashable, Sendable {
        public var operation: Operation
        public var table: String
        public var columns: [String]
        /// For a merge, how each column combines with the stored row; empty otherwise.
        public var merges: [Merge] = []
    }

    /// Calls `body` with each row of the change set encoded in `bytes`, in order.
    /// - Throws: ``StoreError`` when the bytes are not a change set; what `body` throws.
    public static func forEachRow(in bytes: [UInt8], _ body: (Section, [DatabaseValue]) throws -> Void) throws {
        var reader = ByteReader(bytes)
        var section: Section?
        var values: [DatabaseValue] = []
        var rowBefore = false
        do {
            while !reader.isAtEnd {
                switch Item(rawValue: try reader.byte()) {
                case .section:
                    guard let operation = Operation(rawValue: try reader.byte()) else { throw malformed(reader, "an unknown operation") }
                    let table = try reader.string()
                    let count = try reader.varint()
                    guard count <= 1_000 else { throw malformed(reader, "\(count) columns") }
                    var next = Section(operation: operation, table: table, columns: try (0..<count).map { _ in try reader.string() })
                    if operation == .merge {
                        next.merges = try next.columns.map { _ in
                            guard let merge = Merge(rawValue: try reader.byte()) else { throw malformed(reader, "an unknown merge") }
                            return merge
                        }
                    }
                    section = next
                    values = Array(repeating: .null, count: next.columns.count)
                    rowBefore = false
                case .row:
                    guard let section else { throw malformed(reader, "a row before any section") }
                    for index in section.columns.indices {
                        if let value = try value(&reader) {
                            values[index] = value
                        } else if !rowBefore {
                            throw malformed(reader, "the row before's value in a section's first row")
                        }
                    }
                    rowBefore = true
                    try body(section, values)
                case nil:
                    throw malformed(reader, "an unknown item")
                }
            }
        } catch let error as TruncatedBytes {
            throw StoreError("a change set is cut short: \(error)")
        }
    }

    /// The next value, or nil for ``Tag/same``: the row before's.
    private static func value(_ reader: inout ByteReader) throws -> DatabaseValue? {
        switch Tag(rawValue: try reader.byte()) {
        case .same: return nil
        case .null: return .null
        case .integer: return try reader.signed().databaseValue
        case .real: return Double(bitPattern: try reader.fixed()).databaseValue
        case .text: return try reader.string().databaseValue
        case .blob: return Data(try reader.lengthPrefixed()).databaseValue
        case nil: throw malformed(reader, "an unknown value type")
        }
    }

    private static func malformed(_ reader: ByteReader, _ what: String) -> StoreError {
        StoreError("a change set holds \(what) at byte \(reader.position): it was written by a newer Eddy, or is damaged")
    }
}

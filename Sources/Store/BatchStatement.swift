import GRDB
import GRDBSQLite

/// One SQL statement prepared for a batch and run once per row, its values bound straight from memory:
/// no boxing per value, text bound from the caller's bytes without a copy into Swift strings.
///
/// Make it inside ``Store/write(_:)`` from the transaction's `Database` and use it only within that
/// closure. Bind every parameter of the statement (1-based, as in SQL), then ``run()``.
public final class BatchStatement {
    private let statement: Statement
    private let handle: OpaquePointer

    /// Prepares `sql` on `db`.
    /// - Throws: `DatabaseError` when the SQL does not compile.
    public init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    /// Binds an integer to parameter `index`.
    @inline(__always)
    public func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds UTF-8 text, or NULL when `text` is nil. The bytes must stay valid until ``run()`` returns.
    @inline(__always)
    public func bind(text: UnsafeRawBufferPointer?, at index: Int32) {
        guard let text else {
            sqlite3_bind_null(handle, index)
            return
        }
        // SQLITE_STATIC: SQLite reads the bytes during the step; `run()` clears the bindings after it.
        sqlite3_bind_text(handle, index, text.baseAddress?.assumingMemoryBound(to: CChar.self) ?? emptyText, Int32(text.count), nil)
    }

    /// Binds a blob, or NULL when `bytes` is nil. The bytes must stay valid until ``run()`` returns.
    @inline(__always)
    public func bind(blob bytes: UnsafeRawBufferPointer?, at index: Int32) {
        guard let bytes else {
            sqlite3_bind_null(handle, index)
            return
        }
        // A zero-length blob still needs a non-null pointer to stay distinct from NULL.
        if bytes.isEmpty {
            sqlite3_bind_zeroblob(handle, index, 0)
        } else {
            sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), nil)
        }
    }

    /// Binds UTF-8 text copied from `text`, or NULL when it is nil.
    @inline(__always)
    public func bind(_ text: String?, at index: Int32) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        _ = text.withUTF8 { bytes in
            sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self) ?? emptyText, Int32(bytes.count), sqliteTransient)
        }
    }

    /// Binds a double.
    @inline(__always)
    public func bind(_ value: Double, at index: Int32) {
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds an integer, or NULL when `value` is nil.
    @inline(__always)
    public func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds a value read from a row or built by GRDB.
    public func bind(_ value: DatabaseValue, at index: Int32) {
        switch value.storage {
        case .null: sqlite3_bind_null(handle, index)
        case .int64(let value): sqlite3_bind_int64(handle, index, value)
        case .double(let value): sqlite3_bind_double(handle, index, value)
        case .string(let value): bind(value, at: index)
        case .blob(let data):
            _ = data.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress ?? UnsafeRawPointer(emptyText), Int32($0.count), sqliteTransient) }
        }
    }

    /// Runs the statement with the values bound, then clears them for the next row.
    /// - Throws: `DatabaseError` (a constraint, a full disk, ...); the caller's transaction must then fail.
    @inline(__always)
    public func run() throws {
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Runs a statement that returns at most one row (a `SELECT` by key, or a write of one row with a
    /// `RETURNING` clause) and reads the row, then clears the bindings for the next row.
    /// - Returns: what `read` made of the row, or `nil` when the statement returned none.
    /// - Throws: `DatabaseError`; the caller's transaction must then fail.
    @inline(__always)
    public func run<R>(returning read: (ReturnedRow) -> R) throws -> R? {
        var code = sqlite3_step(handle)
        let result = code == SQLITE_ROW ? read(ReturnedRow(handle: handle)) : nil
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
        return result
    }

    /// Runs a query and lets `read` see each row in turn, until the rows end or `read` returns false;
    /// then clears the bindings for the next run.
    /// - Throws: `DatabaseError`, or what `read` throws.
    public func forEachRow(_ read: (ReturnedRow) throws -> Bool) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW {
            guard try read(ReturnedRow(handle: handle)) else { return }
            code = sqlite3_step(handle)
        }
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// A row the statement returned, while ``run(returning:)`` or ``forEachRow(_:)`` reads it.
    public struct ReturnedRow {
        fileprivate let handle: OpaquePointer

        /// The integer in column `index` (0-based, in the order of the `RETURNING` clause).
        @inline(__always)
        public func integer(_ index: Int32) -> Int64 {
            sqlite3_column_int64(handle, index)
        }

        /// The number in column `index` as a double.
        @inline(__always)
        public func double(_ index: Int32) -> Double {
            sqlite3_column_double(handle, index)
        }

        /// Whether column `index` is NULL.
        @inline(__always)
        public func isNull(_ index: Int32) -> Bool {
            sqlite3_column_type(handle, index) == SQLITE_NULL
        }

        /// The bytes of the text or blob in column `index`, or `nil` when it is NULL. They are SQLite's
        /// and stay valid only until the next row.
        @inline(__always)
        public func bytes(_ index: Int32) -> UnsafeRawBufferPointer? {
            guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
            // `sqlite3_column_blob` of an empty value is NULL; keep it distinct from a NULL column.
            let start = sqlite3_column_blob(handle, index) ?? UnsafeRawPointer(emptyText)
            return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, index)))
        }

        /// Appends every column of the row to `changes`, in order, each with its SQLite type.
        public func appendColumns(to changes: inout ChangeSet) {
            for index in 0..<sqlite3_column_count(handle) {
                switch sqlite3_column_type(handle, index) {
                case SQLITE_INTEGER: changes.append(sqlite3_column_int64(handle, index))
                case SQLITE_FLOAT: changes.append(sqlite3_column_double(handle, index))
                case SQLITE_TEXT:
                    let text = sqlite3_column_text(handle, index).map { UnsafeRawPointer($0) }
                    changes.append(text: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index))))
                case SQLITE_BLOB:
                    let blob = sqlite3_column_blob(handle, index)
                    changes.append(blob: UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, index))))
                default: changes.appendNull()
                }
            }
        }
    }

    @inline(never)
    private func failure(_ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(handle)
        return DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) },
            sql: statement.sql
        )
    }
}

/// SQLite copies text bound with this destructor (the C macro `SQLITE_TRANSIENT` is not imported).
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A non-null address for empty text: a null one would bind NULL.
private var emptyText: UnsafePointer<CChar> {
    UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}

import JSONScanning

extension JSONScanner {
    /// Whether `bytes` hold exactly one JSON text (any value, whitespace around it), read with the
    /// scanner's public API the way a caller reads a document.
    public static func accepts(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        return withExactCopy(of: bytes) { buffer in
            var scanner = JSONScanner(buffer)
            do throws(JSONScanError) {
                _ = try scanner.peekToken()
                _ = try scanner.skipValue(depth: 0)
                try scanner.scanEnd()
                return true
            } catch {
                return false
            }
        }
    }

    /// What a top-level object member holds, as the scanner reads it.
    public enum Member: Equatable {
        /// A string's decoded UTF-8 bytes.
        case string([UInt8])
        case other(JSONValueKind)
    }

    /// The members of the top-level object in `bytes` (which the scanner accepts), keys and strings decoded
    /// with `string(_:)`; a repeated key keeps its last value, keys being equal as Swift strings are.
    /// Nil when the value is not an object.
    public static func members(_ bytes: [UInt8]) -> [String: Member]? {
        withExactCopy(of: bytes) { buffer -> [String: Member]? in
            var scanner = JSONScanner(buffer)
            var members: [String: Member] = [:]
            do throws(JSONScanError) {
                guard try scanner.peekToken() == JSONByte.openBrace else { return nil }
                scanner.position += 1
                if try scanner.peekToken() == JSONByte.closeBrace { return members }
                while true {
                    let key = scanner.string(try scanner.scanMemberName())
                    if try scanner.peekToken() == JSONByte.quote {
                        let token = try scanner.scanString()
                        members[key] = .string(scanner.withUTF8(token) { Array($0) })
                    } else {
                        members[key] = .other(try scanner.skipValue(depth: 1))
                    }
                    if try scanner.peekToken() == JSONByte.closeBrace { return members }
                    scanner.position += 1  // the comma
                }
            } catch {
                preconditionFailure("members(_:) needs a text the scanner accepts: \(error.reason)")
            }
        }
    }

    /// Calls `body` with a copy of `bytes` in an allocation of exactly their size, so that AddressSanitizer
    /// (in `make fuzz`) catches a read one byte past the end, which an array's spare capacity would hide.
    private static func withExactCopy<R>(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: bytes)
        return body(UnsafeRawBufferPointer(copy))
    }
}

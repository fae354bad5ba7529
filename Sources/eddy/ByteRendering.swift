/// Shows stored bytes safely on a terminal: valid UTF-8 as text with control characters escaped,
/// anything else as a hex dump.
enum ByteRendering {
    /// A label (`UTF-8, 181 bytes` or `binary, 12 bytes`) and the rendering.
    static func render(_ bytes: [UInt8]) -> (label: String, text: String) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return ("binary, \(bytes.count) bytes", hexDump(bytes))
        }
        return ("UTF-8, \(bytes.count) bytes", escapingControls(text))
    }

    /// Control characters (other than newline and tab) as `\u{XX}`, so a payload cannot drive the terminal.
    static func escapingControls(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control, scalar != "\n", scalar != "\t" {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `00000000  7b 22 75 73 65 72 22 3a  ff fe 22 7d              |{"user":.."}|`
    static func hexDump(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 16).map { start in
            let line = bytes[start..<min(start + 16, bytes.count)]
            var hex = line.enumerated().map { ($0.offset == 8 ? " " : "") + hexByte($0.element) }.joined(separator: " ")
            hex += String(repeating: " ", count: max(0, 49 - hex.count))
            let ascii = String(line.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
            return hexByte(UInt8(truncatingIfNeeded: start >> 24)) + hexByte(UInt8(truncatingIfNeeded: start >> 16))
                + hexByte(UInt8(truncatingIfNeeded: start >> 8)) + hexByte(UInt8(truncatingIfNeeded: start)) + "  " + hex + " |" + ascii + "|"
        }.joined(separator: "\n")
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

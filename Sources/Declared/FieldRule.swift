import JSONScanning

/// One declared field's rule, applied to the member a message has for it: its type, then its checks.
/// A class: a message reads every rule, and a struct holding the field's strings and checks would be
/// copied (each of them retained and released) at every read.
final class FieldRule: Sendable {
    /// Why a value breaks the rule, in words that name the member.
    struct Broken: Error {
        var reason: String
    }

    let field: DeclaredField

    init(_ field: DeclaredField) {
        self.field = field
    }

    /// Reads the member `captured` (nil: absent) into cell `index` of `values`, or says why it breaks the rule.
    func stage(_ captured: JSONCapturedValue?, _ scanner: inout JSONScanner, into values: inout StagedValues, at index: Int) -> Broken? {
        guard let captured else { return field.required ? Broken(reason: "\(field.path) is missing") : nil }
        if captured.kind == .null && !field.required { return nil }
        if field.type == .string, captured.kind == .string {
            return scanner.withUTF8(captured.token) { bytes in
                if let broken = check(text: bytes) { return broken }
                values.setText(bytes, at: index)
                return nil
            }
        }
        guard let cell = typed(captured, &scanner) else {
            let got = field.type == .string ? captured.kind.name : scanner.rendering(captured)
            return Broken(reason: "\(field.path) must be \(expected)\(field.required ? "" : " or null"), got \(got)")
        }
        if let broken = check(number: cell) { return broken }
        values.set(cell, at: index)
        return nil
    }

    /// What the type wants, for "must be ...".
    private var expected: String {
        switch field.type {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .unixSeconds: "unix seconds (an integer or a string of digits)"
        case .rfc3339: "an RFC 3339 time such as 2026-12-01T08:10:00Z"
        case .digits: "a string of digits"
        case .decimal: "a decimal with at most \(field.scale) digits after the point"
        }
    }

    /// The cell of a non-string type, or nil when the member is not of it.
    private func typed(_ captured: JSONCapturedValue, _ scanner: inout JSONScanner) -> StagedValues.Cell? {
        let token = captured.token
        let base = scanner.base
        let raw = { UnsafeRawBufferPointer(start: base + token.start, count: token.end - token.start) }
        switch (field.type, captured.kind) {
        case (.integer, .number):
            return Self.integer(raw(), signed: true).map(StagedValues.Cell.integer)
        case (.number, .number):
            return Double(String(decoding: raw(), as: UTF8.self)).map(StagedValues.Cell.real)
        case (.boolean, .boolean):
            return .integer(raw().first == UInt8(ascii: "t") ? 1 : 0)
        case (.unixSeconds, .number):
            return Self.integer(raw(), signed: false).map(StagedValues.Cell.integer)
        case (.unixSeconds, .string), (.digits, .string):
            return scanner.withUTF8(token) { Self.integer($0, signed: false) }.map(StagedValues.Cell.integer)
        case (.rfc3339, .string):
            return scanner.withUTF8(token) { RFC3339Time.unixSeconds($0) }.map(StagedValues.Cell.integer)
        case (.decimal, .number):
            return DecimalValue.units(String(decoding: raw(), as: UTF8.self), scale: field.scale).map(StagedValues.Cell.integer)
        case (.decimal, .string):
            return DecimalValue.units(scanner.string(token), scale: field.scale).map(StagedValues.Cell.integer)
        default:
            return nil
        }
    }

    /// The value of ASCII digits (after a `-` when `signed`) that fit 64 bits, or `nil`.
    private static func integer(_ bytes: UnsafeRawBufferPointer, signed: Bool) -> Int64? {
        var digits = bytes[...]
        let negative = signed && digits.first == JSONByte.minus
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for c in digits {
            guard JSONByte.isDigit(c) else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? shifted.subtractingReportingOverflow(Int64(c &- JSONByte.zero)) : shifted.addingReportingOverflow(Int64(c &- JSONByte.zero))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    /// The string checks, on the member's UTF-8 bytes (compared byte for byte, as SQLite compares text).
    private func check(text bytes: UnsafeRawBufferPointer) -> Broken? {
        for check in field.checks {
            switch check {
            case .nonEmpty where bytes.isEmpty:
                return Broken(reason: "\(field.path) is empty")
            case .oneOf(let allowed) where !allowed.contains(where: { $0.utf8.elementsEqual(bytes) }):
                return Broken(reason: "\(field.path) must be one of \(allowed.joined(separator: ", ")); got \(Self.quoted(String(decoding: bytes, as: UTF8.self)))")
            case .maxLength(let length):
                // Unicode scalars: every byte that does not continue a UTF-8 sequence starts one.
                let scalars = bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                if scalars > length { return Broken(reason: "\(field.path) must be at most \(length) characters; got \(scalars)") }
            default:
                continue
            }
        }
        return nil
    }

    /// The range checks of a numeric field.
    private func check(number cell: StagedValues.Cell) -> Broken? {
        for case .range(let low, let high) in field.checks {
            guard let number = number(cell) else { continue }
            if let low, number < low { return Broken(reason: "\(field.path) must be at least \(Self.format(low)); got \(Self.format(number))") }
            if let high, number > high { return Broken(reason: "\(field.path) must be at most \(Self.format(high)); got \(Self.format(number))") }
        }
        return nil
    }

    /// The value as the number the file's bounds are written in (a decimal's units scaled back).
    private func number(_ cell: StagedValues.Cell) -> Double? {
        switch cell {
        case .integer(let units): field.type == .decimal ? Double(units) / Self.power(field.scale) : Double(units)
        case .real(let real): real
        case .null, .text: nil
        }
    }

    private static func power(_ scale: Int) -> Double {
        (0..<scale).reduce(1) { value, _ in value * 10 }
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// `text` quoted, cut at 40 characters, for a reason.
    private static func quoted(_ text: String) -> String {
        text.count > 40 ? "\"\(text.prefix(40))…\"" : "\"\(text)\""
    }
}

extension JSONDifferential {
    /// What many comparisons found.
    public struct Summary {
        /// Inputs on which the reader and JSONSerialization disagree.
        public var failures = 0
        /// What went wrong on the first five of them, each with its input in hex.
        public var reports: [String] = []
        /// Accepted objects whose decoded values were compared.
        public var objectsCompared = 0
    }

    /// Compares the reader with JSONSerialization on `count` inputs made by `input` (given 0..<count).
    /// - Parameters:
    ///   - accepts: does the reader take these bytes as one JSON text?
    ///   - values: what the reader decodes from an accepted object against JSONSerialization's dictionary:
    ///     the differences, or nil when it has nothing to compare.
    public static func run(
        count: Int, input: (Int) -> [UInt8], reader accepts: ([UInt8]) -> Bool,
        values: ([UInt8], [String: Any]) -> [String]?
    ) -> Summary {
        var summary = Summary()
        for i in 0..<count {
            let bytes = input(i)
            let outcome = compare(bytes, reader: accepts)
            var problems = outcome.problems
            for (text, object) in outcome.objects {
                guard let differences = values(text, object) else { continue }
                summary.objectsCompared += 1
                problems += differences
            }
            guard !problems.isEmpty else { continue }
            summary.failures += 1
            if summary.reports.count < 5 {
                summary.reports.append("input \(i) (hex \(hex(bytes))): \(problems.joined(separator: "; "))")
            }
        }
        return summary
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }
}

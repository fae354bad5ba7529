import Foundation

/// A progress line on standard error: redrawn in place on a terminal, printed every few seconds otherwise.
struct ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let every: Duration = .seconds(2)
    private var lastPrinted: ContinuousClock.Instant?

    mutating func update(_ text: String) {
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        } else if lastPrinted.map({ ContinuousClock.now - $0 >= every }) ?? true {
            FileHandle.standardError.write(Data((text + "\n").utf8))
            lastPrinted = .now
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

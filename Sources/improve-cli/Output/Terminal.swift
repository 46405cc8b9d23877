import Foundation

/// Human output on a terminal, silence (or JSON) for machines.
enum Terminal {
    /// True when standard error is a terminal, so progress lines can be redrawn in place.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Prints a value as pretty, key-sorted JSON on standard output.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        FileHandle.standardOutput.write(try encoder.encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// A single progress line on a TTY, redrawn in place; plain lines (at most one per 10%) elsewhere.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let tty = Terminal.stderrIsTTY
    private var lastDecile = -1

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ text: String, fraction: Double?) {
        guard enabled else { return }
        lock.withLock {
            if tty {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
            } else if let fraction {
                let decile = Int(fraction * 10)
                if decile > lastDecile {
                    lastDecile = decile
                    FileHandle.standardError.write(Data("\(text)\n".utf8))
                }
            }
        }
    }

    func finish() {
        guard enabled, tty else { return }
        lock.withLock { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

import Foundation
import Synchronization
import Logging

/// Human output on a terminal, silence (or JSON) for machines.
enum Terminal {
    /// True when standard error is a terminal, so progress lines can be redrawn in place.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    /// True when standard output is a terminal: otherwise output is for a pipe, a file or cron.
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    /// An error line on standard error (a JSON record with `--log-format json`).
    static func error(_ message: String, _ metadata: Logger.Metadata? = nil) {
        LogOutput.logger.error("\(message)", metadata: metadata)
    }

    /// A note on standard error (a JSON record with `--log-format json`).
    static func note(_ message: String, _ metadata: Logger.Metadata? = nil) {
        LogOutput.logger.info("\(message)", metadata: metadata)
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

/// A single progress line on a terminal, redrawn in place; nothing on a pipe or a file (cron
/// mail and log files get the notes and the one summary line, not a stream of progress).
final class ProgressLine: Sendable {
    /// Serialises writes, so two redraws never interleave their bytes.
    private let lock = Mutex(())
    private let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled && Terminal.stderrIsTTY && LogOutput.format == .text
    }

    func update(_ text: String, fraction: Double?) {
        guard enabled else { return }
        lock.withLock { _ in FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8)) }
    }

    func finish() {
        guard enabled else { return }
        lock.withLock { _ in FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

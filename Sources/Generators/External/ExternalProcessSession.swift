import Foundation
import ImproveCore
#if canImport(Glibc)
import Glibc
#endif

/// One long-lived generator process speaking JSON lines: writes a line to its stdin, reads
/// one line back from its stdout within a time limit. Restarts the process once if it dies.
///
/// Exchanges run on a private serial queue (reads block in `poll`), so callers never block a
/// Swift concurrency thread. Writing to a process that has died would raise SIGPIPE, so the
/// session sets SIGPIPE to ignored for this process (as servers commonly do) and sees EPIPE.
final class ExternalProcessSession: @unchecked Sendable {
    let arguments: [String]
    let directory: URL?
    let timeout: Double
    private let queue = DispatchQueue(label: "improve.external-generator")
    // Touched only on `queue`.
    private var process: Process?
    private var stdinHandle: FileHandle?
    private var stdoutFD: Int32 = -1
    private var buffer = Data()
    private var stderrURL: URL?
    private var restartsLeft = 1
    private var started = false

    var commandText: String { arguments.joined(separator: " ") }

    init(arguments: [String], directory: URL?, timeout: Double) {
        self.arguments = arguments
        self.directory = directory
        self.timeout = timeout
    }

    deinit {
        if let process, process.isRunning { ProcessTree.kill(process.processIdentifier) }
        if let stderrURL { try? FileManager.default.removeItem(at: stderrURL) }
    }

    /// Sends `line` and returns the first non-empty line the process answers.
    func exchange(_ line: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.exchangeBlocking(line) })
            }
        }
    }

    /// Ends the process: closes its stdin and kills it if it lingers.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.stop()
                continuation.resume()
            }
        }
    }

    private func exchangeBlocking(_ line: String) throws -> String {
        if process?.isRunning != true {
            if started { try useRestart() }
            try launch()
        }
        do {
            return try send(line)
        } catch is ProcessDied {
            // It died while we talked to it: one restart per run, then the message again.
            try useRestart()
            try launch()
            do {
                return try send(line)
            } catch is ProcessDied {
                throw crashError()
            }
        }
    }

    /// Takes the run's one restart, or reports the crash when it was used.
    private func useRestart() throws {
        guard restartsLeft > 0 else { throw crashError() }
        restartsLeft -= 1
    }

    private func send(_ line: String) throws -> String {
        try write(line + "\n")
        return try readLine()
    }

    private struct ProcessDied: Error {}

    private func launch() throws {
        stop()
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe(), output = Pipe()
        let errURL = stderrURL ?? FileManager.default.temporaryDirectory.appendingPathComponent("improve-generator-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        stderrURL = errURL
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errURL)
        do {
            try process.run()
        } catch {
            throw ExternalGeneratorError.launchFailed(command: commandText, reason: "\(error)")
        }
        self.process = process
        stdinHandle = input.fileHandleForWriting
        stdoutFD = output.fileHandleForReading.fileDescriptor
        // Keep the reading end alive as long as the process: the Pipe object owns the fd.
        pipes = (input, output)
        buffer = Data()
        started = true
    }

    private var pipes: (Pipe, Pipe)?

    private func stop() {
        if let process, process.isRunning {
            try? stdinHandle?.close()
            ProcessTree.kill(process.processIdentifier)
            process.waitUntilExit()
        }
        process = nil
        stdinHandle = nil
        pipes = nil
        stdoutFD = -1
    }

    private func write(_ text: String) throws {
        guard let fd = stdinHandle?.fileDescriptor else { throw ProcessDied() }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ProcessDied()
            }
            bytes = bytes.dropFirst(written)
        }
    }

    private func readLine() throws -> String {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1_000_000_000)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                if line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
                return line
            }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else {
                if let process { ProcessTree.kill(process.processIdentifier); process.waitUntilExit() }
                process = nil
                throw ExternalGeneratorError.timedOut(command: commandText, seconds: timeout)
            }
            var poller = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let waitMs = Int32(min(Double(deadline - now) / 1_000_000, 60_000).rounded(.up))
            let ready = poll(&poller, 1, max(1, waitMs))
            if ready < 0 {
                if errno == EINTR { continue }
                throw ProcessDied()
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(stdoutFD, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                process?.waitUntilExit()
                throw ProcessDied()
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    private func crashError() -> ExternalGeneratorError {
        // Only called once the process has closed its end of a pipe: it is exiting, so this
        // wait is short and makes its exit status available.
        process?.waitUntilExit()
        let status = process.map { $0.isRunning ? -1 : $0.terminationStatus } ?? -1
        let stderr = stderrURL.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        let tail = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
        return .crashed(command: commandText, status: status, stderr: tail)
    }
}

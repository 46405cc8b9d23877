import Foundation

/// Runs a command with a time limit and kills it, with everything it started, when time runs
/// out: the one way this tool runs scorer commands and experiments.
///
/// Input and output go through temporary files, not pipes: a pipe could fill and stall the
/// child, or raise SIGPIPE here when a child exits without reading its input. The wait is a
/// termination handler, so no thread is parked on the child.
public enum TimedProcess {
    /// What the command did.
    public struct Result: Sendable {
        public var exitCode: Int32
        /// True when the time limit ended the command.
        public var timedOut: Bool
        public var stdout: Data
        public var stderr: Data

        /// Standard output as text (invalid UTF-8 replaced).
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error as text (invalid UTF-8 replaced).
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `arguments`: a single string through `/bin/sh -c`, several as argv through
    /// `/usr/bin/env`.
    ///
    /// - Parameters:
    ///   - input: bytes on standard input (empty: standard input is empty).
    ///   - directory: the working directory, or the current one.
    /// - Throws: when the command cannot be started.
    public static func run(_ arguments: [String], input: Data = Data(), in directory: URL? = nil, timeout: Double) async throws -> Result {
        let process = Process()
        if arguments.count == 1 {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", arguments[0]]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = directory }
        // The files live outside the working directory, so an experiment never sees them.
        let files = try ScratchFiles(input: input)
        defer { files.remove() }
        process.standardInput = try FileHandle(forReadingFrom: files.input)
        let outHandle = try FileHandle(forWritingTo: files.stdout)
        let errHandle = try FileHandle(forWritingTo: files.stderr)
        process.standardOutput = outHandle
        process.standardError = errHandle
        let timedOut = TimeoutFlag()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                guard process.isRunning else { return }
                timedOut.set()
                ProcessTree.kill(pid)
            }
        }
        try? outHandle.close()
        try? errHandle.close()
        return Result(
            exitCode: process.terminationStatus, timedOut: timedOut.value,
            stdout: (try? Data(contentsOf: files.stdout)) ?? Data(), stderr: (try? Data(contentsOf: files.stderr)) ?? Data())
    }

    /// The input, output and error files of one run, in the temporary directory.
    private struct ScratchFiles {
        let input: URL
        let stdout: URL
        let stderr: URL

        init(input bytes: Data) throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("improve-process-\(UUID().uuidString)")
            input = URL(fileURLWithPath: base.path + ".in")
            stdout = URL(fileURLWithPath: base.path + ".out")
            stderr = URL(fileURLWithPath: base.path + ".err")
            try bytes.write(to: input)
            try Data().write(to: stdout)
            try Data().write(to: stderr)
        }

        func remove() {
            for url in [input, stdout, stderr] { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// A flag set from the timer queue and read after the process ends.
    private final class TimeoutFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        func set() { lock.withLock { flag = true } }
        var value: Bool { lock.withLock { flag } }
    }
}

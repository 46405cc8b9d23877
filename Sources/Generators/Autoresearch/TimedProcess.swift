import Foundation
import ImproveCore

/// Runs a shell command with a time limit, output going to files (a pipe could fill and
/// stall the child), and kills the command and everything it started when time runs out.
enum TimedProcess {
    struct Result: Sendable {
        var exitCode: Int32
        var timedOut: Bool
        var stdout: String
        var stderr: String
    }

    static func run(_ command: String, in directory: URL, timeout: Double) async throws -> Result {
        // Output files live outside the experiment's directory so the experiment never sees them.
        let temporary = FileManager.default.temporaryDirectory
        let outURL = temporary.appendingPathComponent("improve-stdout-\(UUID().uuidString)")
        let errURL = temporary.appendingPathComponent("improve-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = directory
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
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
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return Result(exitCode: process.terminationStatus, timedOut: timedOut.value, stdout: stdout, stderr: stderr)
    }
}

/// A flag set from a timer queue and read after the process ends.
final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
}

import Foundation
import Subprocess

/// Runs a command with a time limit and kills it, with everything it started, when time runs
/// out: the one way this tool runs scorer commands, experiments and git.
///
/// Built on swift-subprocess: the child's pipes are read and written asynchronously, and its
/// exit is awaited without parking a thread, so neither a slow child nor many of them block
/// Swift's cooperative pool. Output is drained while the child runs, so a chatty child never
/// stalls on a full pipe.
public enum TimedProcess {
    /// What the command did.
    public struct Result: Sendable {
        /// The exit code, or the number of the signal that ended the command (9 after a timeout).
        public var exitCode: Int32
        /// True when the time limit ended the command.
        public var timedOut: Bool
        /// Everything written to standard output (up to the timeout, if it struck).
        public var stdout: Data
        /// Everything written to standard error.
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
    ///   - input: bytes on standard input, then end-of-file (a child that does not read them is fine).
    ///   - directory: the working directory, or the current one.
    ///   - environment: variables set on top of this process's environment.
    ///   - timeout: seconds before the command's process group is SIGKILLed.
    /// - Throws: when the command cannot be started, or `CancellationError` when the awaiting
    ///   task is cancelled (the process group is SIGKILLed first).
    public static func run(
        _ arguments: [String], input: Data = Data(), in directory: URL? = nil, environment: [String: String] = [:], timeout: Double
    ) async throws -> Result {
        ChildCommand.ignoreBrokenPipes()
        let (executable, argv) = ChildCommand.launch(arguments)
        let stdout = ByteSink(), stderr = ByteSink()
        let deadline = Deadline()
        defer { deadline.disarm() }
        let outcome = try await Subprocess.run(
            executable, arguments: argv, environment: ChildCommand.environment(environment),
            workingDirectory: ChildCommand.directory(directory), platformOptions: ChildCommand.ownGroup,
            input: .inputWriter, output: .sequence, error: .sequence
        ) { execution in
            // Armed until `run` has also seen the child exit: a child that closes its output and
            // lingers is killed too.
            let pid = execution.processIdentifier.value
            deadline.arm(after: timeout) {
                let state = ChildCommand.state(of: pid)
                // Killed whenever the group id is still its own: what it left running (holding
                // the pipes open) goes too.
                if state != .reaped { try? execution.send(signal: .kill, toProcessGroup: true) }
                return state == .running
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // A child that exits without reading its input makes this write fail: not an error.
                    _ = try? await execution.standardInputWriter.write(Array(input))
                    try? await execution.standardInputWriter.finish()
                }
                group.addTask {
                    for try await chunk in execution.standardOutput { chunk.withUnsafeBytes { stdout.append($0) } }
                }
                group.addTask {
                    for try await chunk in execution.standardError { chunk.withUnsafeBytes { stderr.append($0) } }
                }
                try await group.waitForAll()
            }
        }
        return Result(
            exitCode: ChildCommand.code(outcome.terminationStatus), timedOut: deadline.fired, stdout: stdout.data, stderr: stderr.data)
    }
}

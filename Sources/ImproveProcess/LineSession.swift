import Foundation
import Subprocess

/// One long-lived child speaking a line protocol: lines go to its standard input, lines come
/// back from its standard output, and its standard error is kept for error messages.
///
/// Built on swift-subprocess: the child leads its own process group, reads and writes are
/// asynchronous (no thread waits on the child), and ``stop()`` or releasing the session
/// SIGKILLs the whole group.
public actor LineSession {
    /// What the child's standard error ended with (the last `limit` bytes are kept).
    public static let stderrLimit = 16_384

    /// The command that was started.
    public nonisolated let arguments: [String]
    private var writer: StandardInputWriter?
    private var pending = Data()
    /// How many bytes at the start of `pending` are known to hold no newline.
    private var scanned = 0
    private var outputEnded = false
    private var stderrTail = Data()
    private var waiter: CheckedContinuation<String?, any Error>?
    private var waiterTimer: Task<Void, Never>?
    private var launchWaiter: CheckedContinuation<Void, any Error>?
    private var child: Task<Int32, any Error>?

    /// The child did not answer in time.
    public struct TimedOut: Error {}
    /// The child stopped reading its input (it exited, or closed standard input).
    public struct NotReading: Error {}

    /// Starts `arguments` (looked up on PATH through `/usr/bin/env`) in `directory`.
    /// - Parameter environment: the child's whole environment (nothing of this process's is
    ///   passed on; the PATH it holds is where the command is looked up), or nil to inherit
    ///   this process's environment.
    /// - Throws: when the child cannot be started.
    public init(arguments: [String], directory: URL?, environment: [String: String]? = nil) async throws {
        self.arguments = arguments
        ChildCommand.ignoreBrokenPipes()
        try await launch(directory: directory, environment: ChildCommand.environment(exactly: environment))
    }

    deinit {
        child?.cancel()
    }

    private func launch(directory: URL?, environment: Environment) async throws {
        let arguments = arguments
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            launchWaiter = continuation
            child = Task { [weak self] in
                do {
                    let outcome = try await Subprocess.run(
                        .path("/usr/bin/env"), arguments: Arguments(arguments), environment: environment, workingDirectory: ChildCommand.directory(directory),
                        platformOptions: ChildCommand.ownGroup, input: .inputWriter, output: .sequence, error: .sequence
                    ) { execution in
                        await self?.attach(execution.standardInputWriter)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                for try await chunk in execution.standardError { await self?.receivedError(Data(chunk.withUnsafeBytes { Array($0) })) }
                            }
                            for try await chunk in execution.standardOutput { await self?.received(Data(chunk.withUnsafeBytes { Array($0) })) }
                            await self?.endOfOutput()
                            try await group.waitForAll()
                        }
                    }
                    return ChildCommand.code(outcome.terminationStatus)
                } catch {
                    await self?.failedToLaunch(error)
                    await self?.endOfOutput()
                    throw error
                }
            }
        }
    }

    private func attach(_ writer: StandardInputWriter) {
        self.writer = writer
        launchWaiter?.resume()
        launchWaiter = nil
    }

    private func failedToLaunch(_ error: any Error) {
        launchWaiter?.resume(throwing: error)
        launchWaiter = nil
    }

    /// Writes `line` and a newline to the child's standard input.
    /// - Throws: ``NotReading`` when the child no longer reads.
    public func send(_ line: String) async throws {
        guard let writer, !outputEnded else { throw NotReading() }
        do {
            _ = try await writer.write(Array((line + "\n").utf8))
        } catch {
            throw NotReading()
        }
    }

    /// The next line of standard output, or nil once the child has closed it (it exited).
    /// - Throws: ``TimedOut`` when no whole line came before `deadline` (the child keeps running).
    public func readLine(before deadline: ContinuousClock.Instant) async throws -> String? {
        if let line = takeLine() { return line }
        if outputEnded { return nil }
        precondition(waiter == nil, "one reader at a time")
        return try await withCheckedThrowingContinuation { continuation in
            waiter = continuation
            waiterTimer = Task { [weak self] in
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                await self?.expire()
            }
        }
    }

    /// SIGKILLs the child's process group (unless it already exited) and waits for it to be gone.
    public func stop() async {
        guard let child else { return }
        child.cancel()
        _ = try? await child.value
    }

    /// Waits for a child that has closed its output to exit; its exit code (or the signal that
    /// ended it), or nil when it could not be read.
    public func exitCode() async -> Int32? {
        try? await child?.value
    }

    /// True until the child closed its standard output (it exited, or is exiting).
    public var isOpen: Bool { !outputEnded }

    /// The end of what the child wrote to standard error.
    public var standardError: String { String(decoding: stderrTail, as: UTF8.self) }

    private func takeLine() -> String? {
        // Searched from where the last search stopped: a long line arriving in many chunks is
        // scanned once, not once per chunk (a 10 MB line took half a minute before).
        let start = pending.startIndex + min(scanned, pending.count)
        guard let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = pending.count
            return nil
        }
        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
        pending = Data(pending[(newline + 1)...])
        scanned = 0
        return line
    }

    private func received(_ chunk: Data) {
        pending.append(chunk)
        guard waiter != nil, let line = takeLine() else { return }
        finishWaiter(.success(line))
    }

    private func receivedError(_ chunk: Data) {
        stderrTail.append(chunk)
        if stderrTail.count > Self.stderrLimit { stderrTail = Data(stderrTail.suffix(Self.stderrLimit)) }
    }

    private func endOfOutput() {
        outputEnded = true
        writer = nil
        finishWaiter(.success(nil))
    }

    private func expire() {
        finishWaiter(.failure(TimedOut()))
    }

    private func finishWaiter(_ result: Result<String?, any Error>) {
        guard let waiter else { return }
        self.waiter = nil
        waiterTimer?.cancel()
        waiterTimer = nil
        waiter.resume(with: result)
    }
}

import Foundation
import ImproveCore
import ImproveProcess

/// One long-lived generator process speaking JSON lines: writes a line to its stdin, reads
/// one line back from its stdout within a time limit. Restarts the process once if it dies.
///
/// The process runs in a ``LineSession`` (swift-subprocess): nothing here blocks a thread, and
/// a timeout, ``shutdown()`` or releasing the session SIGKILLs the process with everything it
/// started.
actor ExternalProcessSession {
    nonisolated let arguments: [String]
    let directory: URL?
    let timeout: Double
    private var child: LineSession?
    private var restartsLeft = 1
    private var started = false

    nonisolated var commandText: String { arguments.joined(separator: " ") }

    init(arguments: [String], directory: URL?, timeout: Double) {
        self.arguments = arguments
        self.directory = directory
        self.timeout = timeout
    }

    /// Sends `line` and returns the first non-empty line the process answers.
    func exchange(_ line: String) async throws -> String {
        if await child?.isOpen != true {
            if started { try await useRestart() }
            try await launch()
        }
        do {
            return try await send(line)
        } catch is ProcessDied {
            // It died while we talked to it: one restart per run, then the message again.
            try await useRestart()
            try await launch()
            do {
                return try await send(line)
            } catch is ProcessDied {
                throw await crashError()
            }
        }
    }

    /// Ends the process: kills it with everything it started.
    func shutdown() async {
        await child?.stop()
        child = nil
    }

    /// Takes the run's one restart, or reports the crash when it was used.
    private func useRestart() async throws {
        guard restartsLeft > 0 else { throw await crashError() }
        restartsLeft -= 1
    }

    private struct ProcessDied: Error {}

    private func launch() async throws {
        await shutdown()
        do {
            child = try await LineSession(arguments: arguments, directory: directory)
        } catch {
            throw ExternalGeneratorError.launchFailed(command: commandText, reason: "\(error)")
        }
        started = true
    }

    private func send(_ line: String) async throws -> String {
        guard let child else { throw ProcessDied() }
        do {
            try await child.send(line)
        } catch is LineSession.NotReading {
            throw ProcessDied()
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let answer: String?
            do {
                answer = try await child.readLine(before: deadline)
            } catch is LineSession.TimedOut {
                await shutdown()
                throw ExternalGeneratorError.timedOut(command: commandText, seconds: timeout)
            }
            guard let answer else { throw ProcessDied() }
            if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            return answer
        }
    }

    private func crashError() async -> ExternalGeneratorError {
        // Only called once the process has closed its output: it is exiting, so this wait is
        // short and makes its exit status available.
        let status = await child?.exitCode() ?? -1
        let stderr = await child?.standardError ?? ""
        let tail = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
        return .crashed(command: commandText, status: status, stderr: tail)
    }
}

import Foundation
import ImproveCore
import ImproveProcess

/// One lane of an exec agent: one long-lived process answering one unit at a time over JSON
/// lines, with its own gateway token (in its `OPENAI_API_KEY`) for the lane's whole life.
///
/// The process runs in a ``LineSession``: it leads its own process group, so a time-out, a
/// cancelled unit or ``stop()`` SIGKILLs it with everything it started. A lane whose process
/// died or was killed starts a new one before its next unit; a failed unit never takes the
/// lane down for good.
actor ExecLane {
    /// The gateway token the lane's process holds.
    nonisolated let token: String
    private let command: [String]
    private let directory: URL
    private let environment: [String: String]
    private let redactor: Redactor
    private var session: LineSession?
    /// Exchanges so far, and the one waiting for its reply (nil between units).
    private var exchanges = 0
    private var reading: Int?

    /// How much of the agent's standard error a failure quotes.
    static let stderrTailLines = 8
    static let stderrTailCharacters = 2_000

    init(command: [String], directory: URL, environment: [String: String], token: String, redactor: Redactor) {
        self.command = command
        self.directory = directory
        self.environment = environment
        self.token = token
        self.redactor = redactor
    }

    /// Starts the lane's process (at the driver's start, so a command that cannot run fails there).
    /// - Throws: ``AgentStartError/launchFailed(command:reason:)``.
    func start() async throws(AgentStartError) {
        do {
            session = try await LineSession(arguments: command, directory: directory, environment: environment)
        } catch {
            throw .launchFailed(command: command.joined(separator: " "), reason: redactor.redact("\(error)"))
        }
    }

    /// Writes `line` and returns the first non-empty line the agent prints back.
    /// - Throws: ``AgentFailure`` when the agent died, exited or did not answer within
    ///   `timeout` seconds (then its process group is killed); `CancellationError` when the
    ///   awaiting task was cancelled (the group is killed too: the unit is abandoned).
    func exchange(_ line: String, timeout: Double) async throws -> String {
        var session = try await running()
        do {
            try await session.send(line)
        } catch {
            // It exited after its last reply, before this unit reached it: the unit is not its
            // failure, so a new process gets it once.
            await self.stop()
            session = try await running()
            do {
                try await session.send(line)
            } catch {
                throw await died(session, when: "before it read the unit")
            }
        }
        let live = session
        let deadline = ContinuousClock.now + .seconds(timeout)
        exchanges += 1
        let exchange = exchanges
        reading = exchange
        defer { reading = nil }
        return try await withTaskCancellationHandler {
            while true {
                let answer: String?
                do {
                    answer = try await live.readLine(before: deadline)
                } catch {
                    // Only TimedOut is thrown: the child keeps running until its group is killed.
                    await live.stop()
                    self.session = nil
                    throw await failure("did not reply within \(Self.seconds(timeout)); its process group was killed (the lane restarts for the next unit)", session: live)
                }
                try Task.checkCancellation()
                guard let answer else { throw await died(live, when: "without replying") }
                if !answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return answer }
            }
        } onCancel: {
            Task { await self.kill(live, cancelling: exchange) }
        }
    }

    /// Kills the lane's process group and waits for it to be gone.
    func stop() async {
        await session?.stop()
        session = nil
    }

    /// The redacted end of the agent's standard error, for a failure that is not the lane's own
    /// (a reply that broke the protocol).
    func stderrTail() async -> String? {
        guard let session else { return nil }
        return tail(await session.standardError)
    }

    /// The lane's process, restarted first when the last one died or was killed.
    private func running() async throws -> LineSession {
        if let session, await session.isOpen { return session }
        await session?.stop()
        session = nil
        // A start is tried three times: under load a spawn was seen to fail once
        // (swift-subprocess's "failed to set working directory") and succeed right after.
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                let started = try await LineSession(arguments: command, directory: directory, environment: environment)
                session = started
                return started
            } catch {
                lastError = error
            }
        }
        throw AgentFailure(problem: redactor.redact("could not be restarted: \(lastError.map { String(describing: $0) } ?? "unknown error")"))
    }

    /// Kills `victim` for a cancelled unit, unless that unit's exchange has already ended (the
    /// cancellation handler runs late, and the lane may be answering another unit by then).
    private func kill(_ victim: LineSession, cancelling exchange: Int) async {
        guard reading == exchange else { return }
        await victim.stop()
        if session === victim { session = nil }
    }

    /// The failure for a process that closed its output: it exited, or a signal ended it.
    private func died(_ session: LineSession, when: String) async -> AgentFailure {
        // It has closed its output, so it is exiting: this wait is short.
        let status = await session.exitCode()
        self.session = nil
        let how = status.map { "exited with status \($0)" } ?? "exited"
        return await failure("\(how) \(when) (the lane restarts for the next unit)", session: session)
    }

    private func failure(_ problem: String, session: LineSession) async -> AgentFailure {
        AgentFailure(problem: problem, stderrTail: tail(await session.standardError))
    }

    private func tail(_ stderr: String) -> String? {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true).suffix(Self.stderrTailLines).joined(separator: "\n")
        guard !lines.isEmpty else { return nil }
        return redactor.redact(String(lines.suffix(Self.stderrTailCharacters)))
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

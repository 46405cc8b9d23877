import Foundation
import ImproveCore

/// Runs an exec agent: `context.concurrency` lanes, each a long-lived process started from
/// `agent.exec.command` (argv, no shell) in the profile directory, speaking JSON lines — one
/// ``AgentUnitRequest`` per line on its standard input, one reply per line on its standard
/// output, logs on standard error (docs/agent-protocol.md).
///
/// Each lane's process holds its own gateway token in `OPENAI_API_KEY`; the driver opens the
/// token for a unit before writing the unit and closes it after the reply, so every model call
/// the process makes in between is journaled and counted as that unit's.
final class ExecAgentDriver: AgentDriver {
    let gatewayURL: URL
    private let gateway: any UnitGateway
    private let lanes: [ExecLane]
    private let pool: LanePool
    private let timeout: Double
    private let redactor: Redactor

    private init(gateway: any UnitGateway, lanes: [ExecLane], timeout: Double, redactor: Redactor) {
        self.gateway = gateway
        self.gatewayURL = gateway.baseURL
        self.lanes = lanes
        self.pool = LanePool(lanes)
        self.timeout = timeout
        self.redactor = redactor
    }

    /// Finds the program and starts every lane.
    /// - Parameters:
    ///   - parentEnvironment: where `PATH`, `HOME`, `LANG` and `TMPDIR` come from, and whose
    ///     credential-looking values are redacted from messages; nothing else of it reaches the
    ///     agent. Injectable so a test can plant a provider key and check it never arrives.
    /// - Throws: ``AgentStartError`` when the program is missing, not executable or cannot start
    ///   (lanes already started are stopped; the gateway is the caller's to stop).
    static func start(
        _ context: AgentRunContext, exec: AgentSpec.ExecAgent, gateway: any UnitGateway,
        parentEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> ExecAgentDriver {
        guard let program = exec.command.first else { throw AgentStartError.emptyCommand }
        let path = ExecEnvironment.path(parent: parentEnvironment, profile: exec.environment)
        let command = [try Self.resolve(program, directory: context.directory, path: path)] + exec.command.dropFirst()
        let redactor = Redactor.fromEnvironment(parentEnvironment)
        var lanes: [ExecLane] = []
        for _ in 0..<max(1, context.concurrency) {
            let token = gateway.makeToken()
            let environment = ExecEnvironment.make(parent: parentEnvironment, profile: exec.environment, gatewayURL: gateway.baseURL, token: token)
            let lane = ExecLane(command: command, directory: context.directory, environment: environment, token: token, redactor: redactor)
            do {
                try await lane.start()
            } catch {
                for started in lanes { await started.stop() }
                throw error
            }
            lanes.append(lane)
        }
        return ExecAgentDriver(gateway: gateway, lanes: lanes, timeout: context.spec.timeoutSeconds, redactor: redactor)
    }

    func respond(_ request: AgentUnitRequest) async throws -> AgentUnitOutcome {
        let lane = try await pool.acquire()
        // A lane handed over just as the unit was cancelled goes back untouched, its process alive.
        if Task.isCancelled {
            await pool.release(lane)
            throw CancellationError()
        }
        var request = request
        request.models = AgentUnitRequest.Models(baseURL: gatewayURL.absoluteString, apiKey: lane.token, model: request.profile.model)
        let line: String
        do {
            line = try Self.line(request)
        } catch {
            await pool.release(lane)
            throw error
        }
        gateway.open(request.unit, token: lane.token)
        let answer: Result<AgentReply, AgentFailure>
        do {
            answer = await read(try await lane.exchange(line, timeout: timeout), lane: lane)
        } catch let failure as AgentFailure {
            answer = .failure(failure)
        } catch {
            _ = gateway.close(token: lane.token)
            await pool.release(lane)
            throw error
        }
        // The token is closed before the lane is free: the next unit on this lane opens it anew.
        let outcome: Result<AgentUnitOutcome, AgentFailure>
        do {
            outcome = .success(try gateway.finish(answer, token: lane.token))
        } catch {
            outcome = .failure(error)
        }
        await pool.release(lane)
        return try outcome.get()
    }

    func close() async {
        await pool.close()
        for lane in lanes { await lane.stop() }
        await gateway.stop()
    }

    /// The request as one line: JSON escapes newlines inside strings, so it never spans two.
    static func line(_ request: AgentUnitRequest) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(request), as: UTF8.self)
    }

    private func read(_ line: String, lane: ExecLane) async -> Result<AgentReply, AgentFailure> {
        let data = Data(line.utf8)
        switch AgentReplyReader.read(data) {
        case .success(let reply):
            return .success(reply)
        case .failure(let problem):
            let excerpt = AgentReplyReader.excerpt(data, redactor: redactor)
            let reason = problem.reason(notJSON: "printed a line that is not a protocol reply", excerpt: excerpt + "; write logs to stderr")
            return .failure(AgentFailure(problem: reason, stderrTail: await lane.stderrTail()))
        }
    }
}

extension ExecAgentDriver {
    /// The absolute path of the agent's program (``ProgramLookup``), or why it cannot start: a
    /// typo is an error at start naming what was searched, not a unit failing later with `env`'s
    /// exit status 127.
    static func resolve(_ program: String, directory: URL, path: String) throws(AgentStartError) -> String {
        switch ProgramLookup.find(program, directory: directory, path: path) {
        case .found(let file): return file
        case .missing(let searched): throw .commandNotFound(command: program, searched: searched)
        case .notAFile(let file), .notExecutable(let file): throw .notExecutable(path: file)
        }
    }
}

import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import ImproveAgents

@Suite("Exec agent driver")
struct ExecAgentDriverTests {
    @Test("a unit's reply comes back; the request carries protocol 1, the unit, the surfaces, the input and the models block", .timeLimit(.minutes(1)))
    func conformance() async throws {
        let gateway = StandInGateway()
        let context = try AgentFixture.context(AgentFixture.exec("echo", environment: ["AGENT_MODE": "test"]))
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: gateway)
        defer { Task { await driver.close() } }
        let outcome = try await driver.respond(AgentFixture.request())
        #expect(outcome.reply.reply == "echo:item-1")
        let trace = try #require(outcome.reply.trace)
        let request = try #require(trace["request"])
        #expect(request["protocol"] == 1)
        #expect(request["unit"]?["id"] == "item-1" && request["unit"]?["seed"] == 42 && request["unit"]?["trial"] == 0)
        #expect(request["profile"]?["systemPrompt"] == "Be brief." && request["profile"]?["strategy"] == "search first")
        #expect(request["profile"]?["tools"]?.arrayValue?.first?["name"] == "faq_search")
        #expect(request["profile"]?["skills"]?.arrayValue?.first?["body"] == "Friendly.")
        #expect(request["profile"]?["config"]?["topK"] == 3)
        #expect(request["input"]?["text"] == "How do I reset my password?" && request["input"]?["fields"]?["lang"] == "en")
        #expect(request["input"]?["messages"]?.arrayValue?.count == 2)
        let token = try #require(request["models"]?["apiKey"]?.stringValue)
        #expect(request["models"]?["baseURL"]?.stringValue == gateway.baseURL.absoluteString)
        #expect(request["models"]?["model"] == "local/smollm2")
        // The unit's calls were attributed to it, under the lane's token, and the token closed.
        #expect(gateway.opened[token]?.id == "item-1")
        #expect(gateway.closed == [token])
        let environment = try #require(trace["env"]?.objectValue)
        #expect(environment["OPENAI_API_KEY"]?.stringValue == token)
        #expect(environment["OPENAI_BASE_URL"]?.stringValue == gateway.baseURL.absoluteString)
        #expect(environment["IMPROVE_AGENT_PROTOCOL"] == "1")
        #expect(environment["AGENT_MODE"] == "test")
        #expect(environment["PATH"] != nil)
        let cwd = try #require(trace["cwd"]?.stringValue)
        #expect(URL(fileURLWithPath: cwd).resolvingSymlinksInPath().path == context.directory.resolvingSymlinksInPath().path)
    }

    @Test("secrets canary: the agent's environment and request hold no provider key, and its token is none of them", .timeLimit(.minutes(1)))
    func secretsCanary() async throws {
        let canaries = ["OPENAI_API_KEY": "sk-canary-openai-4242", "ANTHROPIC_API_KEY": "sk-ant-canary-4242", "IMPROVE_STORE_PASSWORD": "pw-canary-4242"]
        let parent = ProcessInfo.processInfo.environment.merging(canaries) { _, canary in canary }
        let gateway = StandInGateway()
        let context = try AgentFixture.context(AgentFixture.exec("echo"))
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: gateway, parentEnvironment: parent)
        defer { Task { await driver.close() } }
        let outcome = try await driver.respond(AgentFixture.request())
        let trace = try #require(outcome.reply.trace)
        let seen = String(decoding: try CanonicalJSON.encode(trace), as: UTF8.self)
        for (name, canary) in canaries { #expect(!seen.contains(canary), "\(name)'s value reached the agent") }
        let environment = try #require(trace["env"]?.objectValue)
        #expect(environment["ANTHROPIC_API_KEY"] == nil && environment["IMPROVE_STORE_PASSWORD"] == nil)
        #expect(environment.keys.filter { $0.hasPrefix("IMPROVE_") } == ["IMPROVE_AGENT_PROTOCOL"])
        let token = try #require(environment["OPENAI_API_KEY"]?.stringValue)
        #expect(gateway.made.contains(token) && !canaries.values.contains(token))
    }

    @Test("an agent that dies fails its unit with its status and stderr; the lane restarts for the next unit", .timeLimit(.minutes(1)))
    func restartAfterDeath() async throws {
        let state = try Fixtures.temporaryDirectory("improve-agent-state").appendingPathComponent("died")
        let context = try AgentFixture.context(AgentFixture.exec("die-once", environment: ["AGENT_STATE": state.path]))
        let gateway = StandInGateway()
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: gateway)
        defer { Task { await driver.close() } }
        let failure = try await agentFailure { try await driver.respond(AgentFixture.request("item-1")) }
        #expect(failure.problem.contains("exited with status 3"), "\(failure)")
        #expect(failure.stderrTail?.contains("dying on purpose") == true, "\(failure)")
        #expect(gateway.closed.count == 1, "the failed unit's token is closed too")
        let outcome = try await driver.respond(AgentFixture.request("item-2"))
        #expect(outcome.reply.reply == "alive:item-2")
    }

    @Test("a hanging agent times out: its process group (with a grandchild) is killed, and the lane restarts", .timeLimit(.minutes(1)))
    func timeoutKillsTheGroup() async throws {
        let state = try Fixtures.temporaryDirectory("improve-agent-state").appendingPathComponent("pids")
        let context = try AgentFixture.context(AgentFixture.exec("hang", environment: ["AGENT_STATE": state.path], timeout: 2))
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: StandInGateway())
        defer { Task { await driver.close() } }
        // The agent starts its grandchild when it starts: both exist before the unit's clock runs.
        let pids = try await AgentFixture.contents(of: state).split(separator: " ").compactMap { Int32($0) }
        try #require(pids.count == 2)
        let failure = try await agentFailure { try await driver.respond(AgentFixture.request()) }
        #expect(failure.problem.contains("did not reply within 2 s; its process group was killed"), "\(failure)")
        for pid in pids { #expect(await AgentFixture.isGone(pid), "pid \(pid) survived the time-out") }
        // The next unit gets a fresh process, which hangs and is killed in turn (not "could not be restarted").
        let next = try await agentFailure { try await driver.respond(AgentFixture.request("item-2")) }
        #expect(next.problem.contains("did not reply within 2 s"), "\(next)")
    }

    @Test("a cancelled unit kills the lane's process group and the next unit gets a new process", .timeLimit(.minutes(1)))
    func cancellationKillsTheGroup() async throws {
        let state = try Fixtures.temporaryDirectory("improve-agent-state").appendingPathComponent("pids")
        let context = try AgentFixture.context(AgentFixture.exec("hang", environment: ["AGENT_STATE": state.path], timeout: 600))
        let gateway = StandInGateway()
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: gateway)
        defer { Task { await driver.close() } }
        let pids = try await AgentFixture.contents(of: state).split(separator: " ").compactMap { Int32($0) }
        try #require(pids.count == 2)
        let unit = Task { try await driver.respond(AgentFixture.request()) }
        #expect(try await eventually { !gateway.opened.isEmpty })
        unit.cancel()
        await #expect(throws: CancellationError.self) { try await unit.value }
        for pid in pids { #expect(await AgentFixture.isGone(pid), "pid \(pid) survived the cancellation") }
        #expect(gateway.closed.count == 1, "the cancelled unit's token is closed")
        try FileManager.default.removeItem(at: state)
        let next = Task { try await driver.respond(AgentFixture.request("item-2")) }
        let fresh = try await AgentFixture.contents(of: state).split(separator: " ").compactMap { Int32($0) }
        #expect(fresh.count == 2 && fresh != pids)
        next.cancel()
        _ = await next.result
    }

    @Test("a stdout line that is not JSON, a reply without `reply` and a reply over 10 MB are agent failures with the reason", .timeLimit(.minutes(1)))
    func protocolBreaches() async throws {
        let expectations = [
            "nonjson": "printed a line that is not a protocol reply: starting work on item-1; write logs to stderr",
            "noreply": "no field `reply` (the object has: answer)",
            "huge": "over the \(AgentProtocol.replyLimit)-byte limit",
        ]
        for (mode, reason) in expectations {
            let context = try AgentFixture.context(AgentFixture.exec(mode))
            let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: StandInGateway())
            let failure = try await agentFailure { try await driver.respond(AgentFixture.request()) }
            #expect(failure.problem.contains(reason), "\(mode): \(failure)")
            #expect(failure.stderrTail?.contains("agent \(mode) started") == true, "\(mode): \(failure)")
            await driver.close()
        }
    }

    @Test("a failure the gateway caused is an infrastructure failure, and a breach outranks the agent's failure", .timeLimit(.minutes(1)))
    func gatewayFailuresOutrankTheAgent() async throws {
        let context = try AgentFixture.context(AgentFixture.exec("nonjson"))
        let broken = StandInGateway(report: GatewayUnitReport(calls: 0, infrastructureError: "provider local: HTTP 503"))
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: broken)
        let outcome = try await driver.respond(AgentFixture.request())
        #expect(outcome.infrastructureError?.hasPrefix("provider local: HTTP 503 (the agent then failed: printed a line") == true)
        await driver.close()
        let breach = ModelError.notAllowed(model: "openai/gpt-4o", allowed: ["local/*"], role: "agent")
        let refusing = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: StandInGateway(report: GatewayUnitReport(breach: breach)))
        #expect(try await refusing.respond(AgentFixture.request()).breach == breach)
        await refusing.close()
    }

    @Test("N lanes answer N units at once", .timeLimit(.minutes(1)))
    func concurrentLanes() async throws {
        let lanes = 4
        let folder = try Fixtures.temporaryDirectory("improve-agent-barrier")
        let spec = AgentFixture.exec("barrier", environment: ["AGENT_STATE": folder.path, "AGENT_BARRIER": "\(lanes)"])
        let context = try AgentFixture.context(spec, concurrency: lanes)
        let gateway = StandInGateway()
        let driver = try await ExecAgentDriver.start(context, exec: try execSpec(context), gateway: gateway)
        defer { Task { await driver.close() } }
        // Each unit waits until all of them are inside an agent: only concurrent lanes get past it.
        let replies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<lanes { group.addTask { try await driver.respond(AgentFixture.request("item-\(index)")).reply.reply } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies == Array(repeating: "\(lanes)", count: lanes))
        #expect(Set(gateway.opened.keys).count == lanes, "each lane has its own token")
    }

    @Test("a command that is not found or not executable is an error at start", .timeLimit(.minutes(1)))
    func commandThatCannotStart() async throws {
        let missing = try AgentFixture.context(AgentSpec(kind: .exec(.init(command: ["no-such-agent-7781"]))))
        await #expect(throws: AgentStartError.commandNotFound(command: "no-such-agent-7781", searched: "PATH=/bin")) {
            _ = try await ExecAgentDriver.start(missing, exec: .init(command: ["no-such-agent-7781"]), gateway: StandInGateway(), parentEnvironment: ["PATH": "/bin"])
        }
        let context = try AgentFixture.context(AgentSpec(kind: .exec(.init(command: ["./agent.sh"]))))
        let script = context.directory.appendingPathComponent("agent.sh")
        try Data("#!/bin/sh\n".utf8).write(to: script)
        await #expect(throws: AgentStartError.notExecutable(path: script.standardizedFileURL.path)) {
            _ = try await ExecAgentDriver.start(context, exec: .init(command: ["./agent.sh"]), gateway: StandInGateway())
        }
        await #expect(throws: AgentStartError.emptyCommand) {
            _ = try await ExecAgentDriver.start(context, exec: .init(command: []), gateway: StandInGateway())
        }
    }

    private func execSpec(_ context: AgentRunContext) throws -> AgentSpec.ExecAgent {
        guard case .exec(let exec) = context.spec.kind else { throw AgentFailure(problem: "not an exec spec") }
        return exec
    }
}

/// The ``AgentFailure`` `body` throws (a test failure when it throws anything else or nothing).
func agentFailure(_ body: () async throws -> some Sendable) async throws -> AgentFailure {
    do {
        _ = try await body()
    } catch let failure as AgentFailure {
        return failure
    }
    throw AgentFailure(problem: "expected an agent failure, got a reply")
}

import Foundation
import ImproveCore
import ImproveProcess
import ImproveTestSupport
import Synchronization
@testable import ImproveAgents

/// A gateway stand-in for driver tests: records which tokens were opened for which units and
/// answers `close` with a scripted report, so drivers are tested without a provider.
final class StandInGateway: UnitGateway {
    let baseURL = URL(string: "http://127.0.0.1:9/v1")!
    private let state = Mutex<(opened: [String: AgentUnitRequest.Unit], closed: [String], made: [String])>(([:], [], []))
    private let report: GatewayUnitReport

    init(report: GatewayUnitReport = GatewayUnitReport()) {
        self.report = report
    }

    func makeToken() -> String {
        let token = "gw-" + UUID().uuidString
        state.withLock { $0.made.append(token) }
        return token
    }

    func open(_ unit: AgentUnitRequest.Unit, token: String) {
        state.withLock { $0.opened[token] = unit }
    }

    func close(token: String) -> GatewayUnitReport {
        state.withLock { $0.closed.append(token) }
        return report
    }

    func stop() async {}

    /// The unit each token was opened for.
    var opened: [String: AgentUnitRequest.Unit] { state.withLock { $0.opened } }
    /// Tokens closed, in order.
    var closed: [String] { state.withLock { $0.closed } }
    /// Tokens made, in order.
    var made: [String] { state.withLock { $0.made } }
}

enum AgentFixture {
    /// The scripted agent (Tests/Fixtures/agents/scripted_agent.py).
    static let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/agents/scripted_agent.py").path

    /// A run context for `spec` in a fresh directory, with a journal that keeps nothing.
    static func context(_ spec: AgentSpec, concurrency: Int = 1) throws -> AgentRunContext {
        AgentRunContext(
            spec: spec, directory: try Fixtures.temporaryDirectory("improve-agent"), journal: TransientJournal(),
            allowed: AllowedModels(["local/*"]), concurrency: concurrency, taskModel: ModelSpec(provider: "local", id: "smollm2"),
            makeClient: { _ in throw AgentFailure(problem: "driver tests make no model calls through a provider") })
    }

    /// An exec spec running the scripted agent in `mode`.
    static func exec(_ mode: String, environment: [String: String] = [:], timeout: Double = 30) -> AgentSpec {
        AgentSpec(kind: .exec(.init(command: ["python3", script, mode], environment: environment)), timeoutSeconds: timeout)
    }

    /// A unit as an evaluator would send it: every surface and the input filled in.
    static func request(_ id: String = "item-1", seed: UInt64 = 42) -> AgentUnitRequest {
        AgentUnitRequest(
            unit: .init(id: id, trial: 0, turn: 0, seed: seed),
            profile: .init(
                name: "support", systemPrompt: "Be brief.", userTemplate: "Q: {{input}}",
                skills: [Skill(name: "tone", description: "how to sound", body: "Friendly.")], strategy: "search first",
                tools: [ToolSpec(name: "faq_search", description: "Search the FAQ", parameters: ["type": "object", "properties": ["query": ["type": "string"]]])],
                config: ["topK": 3], model: "local/smollm2"),
            input: .init(text: "How do I reset my password?", fields: ["lang": "en"], messages: [.system("Be brief."), .user("Q: How do I reset my password?")]))
    }

    /// True once `pid` no longer runs (gone, or a zombie waiting for its reaper), polling up to 10 s.
    static func isGone(_ pid: Int32) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.range(of: ")", options: .backwards), stat[close.upperBound...].split(separator: " ").first == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Waits up to 10 s for `file` to hold text, and returns it.
    static func contents(of file: URL) async throws -> String {
        var text = ""
        _ = try await eventually { text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""; return !text.isEmpty }
        return text
    }
}

/// A scripted HTTP agent (the fixture's `serve` mode) on a loopback port, stopped with the test.
final class ScriptedHTTPAgent: Sendable {
    let url: String
    private let process: LineSession

    init(_ mode: String, environment: [String: String] = [:]) async throws {
        process = try await LineSession(
            arguments: ["python3", AgentFixture.script, "serve", mode], directory: nil,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
        guard let port = try await process.readLine(before: .now + .seconds(30)), !port.isEmpty else {
            throw AgentFailure(problem: "the scripted HTTP agent did not print its port", stderrTail: await process.standardError)
        }
        url = "http://127.0.0.1:\(port)/unit"
    }

    func stop() async {
        await process.stop()
    }
}

import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import ImproveAgents

@Suite("HTTP agent driver")
struct HTTPAgentDriverTests {
    @Test("a unit is POSTed with protocol 1, the unit, the surfaces, the input, a per-unit token and the headers", .timeLimit(.minutes(1)))
    func conformance() async throws {
        let agent = try await ScriptedHTTPAgent("echo")
        let gateway = StandInGateway()
        let http = AgentSpec.HTTPAgent(url: agent.url, headers: ["X-Agent-Key": "AGENT_TEST_HEADER"])
        let context = try AgentFixture.context(AgentSpec(kind: .http(http)))
        let driver = try HTTPAgentDriver(context, http: http, gateway: gateway, parentEnvironment: ["AGENT_TEST_HEADER": "header-secret-1234"])
        let first = try await driver.respond(AgentFixture.request("item-1"))
        let second = try await driver.respond(AgentFixture.request("item-2"))
        await agent.stop()
        #expect(first.reply.reply == "echo:item-1" && second.reply.reply == "echo:item-2")
        let request = try #require(first.reply.trace?["request"])
        #expect(request["protocol"] == 1 && request["unit"]?["id"] == "item-1")
        #expect(request["profile"]?["userTemplate"] == "Q: {{input}}" && request["input"]?["fields"]?["lang"] == "en")
        #expect(request["models"]?["baseURL"]?.stringValue == gateway.baseURL.absoluteString && request["models"]?["model"] == "local/smollm2")
        let headers = try #require(first.reply.trace?["headers"]?.objectValue)
        #expect(headers.first { $0.key.lowercased() == "x-agent-key" }?.value == "header-secret-1234")
        // A fresh token per unit, opened for it and closed after it.
        let tokens = [first, second].compactMap { $0.reply.trace?["request"]?["models"]?["apiKey"]?.stringValue }
        #expect(tokens.count == 2 && tokens[0] != tokens[1])
        #expect(gateway.opened[tokens[0]]?.id == "item-1" && gateway.opened[tokens[1]]?.id == "item-2")
        #expect(gateway.closed == tokens)
    }

    @Test("non-2xx, non-JSON, no `reply` and over 10 MB are agent failures with the status and an excerpt", .timeLimit(.minutes(1)))
    func failures() async throws {
        let cases: [(mode: String, unit: String, reason: String)] = [
            ("echo", "fail-500", #"answered HTTP 500: {"error": "agent broke"}"#),
            ("nonjson", "item-1", "answered HTTP 200 with a body that is not JSON: starting work on item-1"),
            ("noreply", "item-1", #"answered HTTP 200 out of protocol: no field `reply` (the object has: answer); body: {"answer": "no reply field"}"#),
            ("huge", "item-1", "answered HTTP 200 with \(AgentProtocol.replyLimit + 23) bytes, over the \(AgentProtocol.replyLimit)-byte limit"),
        ]
        for (mode, unit, reason) in cases {
            let agent = try await ScriptedHTTPAgent(mode)
            let http = AgentSpec.HTTPAgent(url: agent.url)
            let driver = try HTTPAgentDriver(try AgentFixture.context(AgentSpec(kind: .http(http))), http: http, gateway: StandInGateway())
            let failure = try await agentFailure { try await driver.respond(AgentFixture.request(unit)) }
            await agent.stop()
            #expect(failure.problem == reason, "\(mode)")
        }
    }

    @Test("an agent that does not answer in time is an agent failure", .timeLimit(.minutes(1)))
    func timeout() async throws {
        let state = try Fixtures.temporaryDirectory("improve-agent-state").appendingPathComponent("pids")
        let agent = try await ScriptedHTTPAgent("hang", environment: ["AGENT_STATE": state.path])
        let http = AgentSpec.HTTPAgent(url: agent.url)
        let gateway = StandInGateway()
        let driver = try HTTPAgentDriver(try AgentFixture.context(AgentSpec(kind: .http(http), timeoutSeconds: 1)), http: http, gateway: gateway)
        let failure = try await agentFailure { try await driver.respond(AgentFixture.request()) }
        await agent.stop()
        #expect(failure.problem == "did not answer within 1.0 s at \(agent.url)")
        #expect(gateway.closed.count == 1, "the abandoned unit's token can no longer spend")
    }

    @Test("a header whose variable is unset and a URL that does not parse are errors at start; header values are redacted")
    func startErrors() async throws {
        let http = AgentSpec.HTTPAgent(url: "http://127.0.0.1:1/unit", headers: ["Authorization": "AGENT_TOKEN_UNSET"])
        let context = try AgentFixture.context(AgentSpec(kind: .http(http)))
        #expect(throws: AgentStartError.missingHeaderVariable(header: "Authorization", variable: "AGENT_TOKEN_UNSET")) {
            _ = try HTTPAgentDriver(context, http: http, gateway: StandInGateway(), parentEnvironment: [:])
        }
        for bad in ["not a url", "ftp://host/x", "/relative"] {
            #expect(throws: AgentStartError.badURL(bad)) {
                _ = try HTTPAgentDriver(context, http: .init(url: bad), gateway: StandInGateway(), parentEnvironment: [:])
            }
        }
        // Nothing listens on port 1: the failure names the URL and never the header's value.
        let secret = "Bearer agent-secret-99"
        let unreachable = AgentSpec.HTTPAgent(url: "http://127.0.0.1:1/unit", headers: ["X-Secret": "AGENT_SECRET"])
        let driver = try HTTPAgentDriver(context, http: unreachable, gateway: StandInGateway(), parentEnvironment: ["AGENT_SECRET": secret])
        let failure = try await agentFailure { try await driver.respond(AgentFixture.request()) }
        #expect(failure.problem.hasPrefix("could not be reached at http://127.0.0.1:1/unit"))
        #expect(!failure.description.contains("agent-secret-99"))
    }
}

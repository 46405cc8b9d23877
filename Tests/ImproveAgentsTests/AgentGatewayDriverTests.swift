import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import ImproveAgents

/// The drivers with the real model gateway: an agent's model call goes through the gateway to a
/// scripted provider, is journaled in SQLite, and comes back in the unit's outcome.
@Suite("Agent drivers with the model gateway")
struct AgentGatewayDriverTests {
    static let provider = ScriptedModelClient { request in "scripted: " + (request.messages.last?.content ?? "") }

    /// A context of the harness's run whose agent is the scripted exec agent in `mode`.
    static func context(_ harness: GatewayHarness, mode: String) async throws -> (AgentRunContext, AgentSpec.ExecAgent) {
        let exec = AgentSpec.ExecAgent(command: ["python3", AgentFixture.script, mode])
        let journal = try await harness.store.journal(runID: harness.runID, workerID: "w")
        let provider = harness.provider
        let context = AgentRunContext(
            spec: AgentSpec(kind: .exec(exec), timeoutSeconds: 30), directory: harness.directory, journal: journal, allowed: harness.allowed,
            concurrency: 1, taskModel: GatewayHarness.taskModel, makeClient: { _ in provider })
        return (context, exec)
    }

    @Test("an exec agent's model call is served, journaled and counted as the unit's; a second run replays it for free", .timeLimit(.minutes(1)))
    func execThroughTheGateway() async throws {
        let provider = ScriptedModelClient { request in "scripted: " + (request.messages.last?.content ?? "") }
        let harness = try await GatewayHarness(provider: provider)
        for pass in 1...2 {
            let (context, exec) = try await Self.context(harness, mode: "model")
            let gateway = try await ModelGateway.start(context)
            let driver = try await ExecAgentDriver.start(context, exec: exec, gateway: gateway)
            let outcome = try await driver.respond(AgentFixture.request())
            await driver.close()
            #expect(outcome.reply.reply == "scripted: Q: How do I reset my password?", "pass \(pass)")
            #expect(outcome.calls == 1 && outcome.infrastructureError == nil && outcome.breach == nil, "pass \(pass)")
            #expect(provider.callCount == 1, "pass \(pass): the provider was paid once in all")
            #expect(try await harness.paidSteps() == 1, "pass \(pass)")
        }
    }

    @Test("an agent asking for a model outside the policy comes back with the breach, not as its own failure", .timeLimit(.minutes(1)))
    func breachThroughTheGateway() async throws {
        let harness = try await GatewayHarness(provider: Self.provider)
        let (context, exec) = try await Self.context(harness, mode: "model")
        let gateway = try await ModelGateway.start(context)
        let driver = try await ExecAgentDriver.start(context, exec: exec, gateway: gateway)
        var request = AgentFixture.request()
        request.profile.model = "openai/gpt-4o"
        let outcome = try await driver.respond(request)
        await driver.close()
        guard case .notAllowed(let model, _, _)? = outcome.breach else {
            Issue.record("expected a breach, got \(outcome)")
            return
        }
        #expect(model.contains("gpt-4o"))
        #expect(try await harness.paidSteps() == 0)
    }

    @Test("an HTTP agent's model call goes through the gateway with its per-unit token", .timeLimit(.minutes(1)))
    func httpThroughTheGateway() async throws {
        let harness = try await GatewayHarness(provider: Self.provider)
        let agent = try await ScriptedHTTPAgent("model")
        let (execContext, _) = try await Self.context(harness, mode: "model")
        var context = execContext
        let http = AgentSpec.HTTPAgent(url: agent.url)
        context.spec = AgentSpec(kind: .http(http), timeoutSeconds: 30)
        let gateway = try await ModelGateway.start(context)
        let driver = try HTTPAgentDriver(context, http: http, gateway: gateway)
        let outcome = try await driver.respond(AgentFixture.request("item-9"))
        await driver.close()
        await agent.stop()
        #expect(outcome.reply.reply == "scripted: Q: How do I reset my password?")
        #expect(outcome.calls == 1 && outcome.breach == nil)
    }
}

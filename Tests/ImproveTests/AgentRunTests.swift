import Evals
import Foundation
import Improve
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Synchronization
import Testing

/// An agent driver in the test process: answers each unit by a rule, records what it was sent,
/// and can fail chosen units the ways a real agent program fails.
final class ScriptedAgentDriver: AgentDriver {
    let gatewayURL = URL(fileURLWithPath: "/dev/null")
    private let requests = Mutex<[AgentUnitRequest]>([])
    let answer: @Sendable (AgentUnitRequest) throws -> AgentUnitOutcome

    init(answer: @escaping @Sendable (AgentUnitRequest) throws -> AgentUnitOutcome) {
        self.answer = answer
    }

    var received: [AgentUnitRequest] { requests.withLock { $0 } }

    func respond(_ request: AgentUnitRequest) async throws -> AgentUnitOutcome {
        requests.withLock { $0.append(request) }
        return try answer(request)
    }

    func close() async {}
}

@Suite struct AgentRunTests {
    /// The sentiment profile with an (unused) exec `agent:` block: the runtime below answers.
    static func inputs() throws -> (ImproveInputs, ProfileBundle) {
        var bundle = try ProfileBundle.load(directory: try Fixtures.copyOfProfile("sentiment"))
        bundle.profile.agent = AgentSpec(kind: .exec(.init(command: ["true"])))
        return (try ImproveInputs(bundle: bundle), bundle)
    }

    /// Labels by the item's expected answer only when the system prompt asks for one word; so a
    /// prompt edit can matter, as with the built-in agent.
    static func labeller(_ bundle: ProfileBundle) -> @Sendable (AgentUnitRequest) throws -> AgentUnitOutcome {
        let labels = Dictionary(bundle.suite.items.map { ($0.input, $0.expected ?? "") }, uniquingKeysWith: { first, _ in first })
        return { request in
            let label = labels[request.input.text ?? ""] ?? "positive"
            let reply = request.profile.systemPrompt.lowercased().contains("one word") ? label : "I think it is \(label)."
            return AgentUnitOutcome(reply: AgentReply(reply: reply, trace: ["retrieved": 0]), usage: Usage(inputTokens: 10, outputTokens: 2), calls: 1)
        }
    }

    /// No role but the agent may call a model in these runs.
    static let noModels = ModelAccess { _ in ScriptedModelClient { _ in throw ModelError.malformedResponse(provider: "none", detail: "no model is called in this test") } }

    static func runtime(_ driver: ScriptedAgentDriver) -> AgentRuntime {
        AgentRuntime { _ in driver }
    }

    @Test func aProfileWithAnAgentIsScoredThroughItsDriverUnitByUnit() async throws {
        let (inputs, bundle) = try Self.inputs()
        let driver = ScriptedAgentDriver(answer: Self.labeller(bundle))
        let store = try SQLiteRunStore(path: inputs.profileFile.deletingLastPathComponent().appendingPathComponent("store.sqlite").path)
        let session = EvalSession(bundle: bundle, split: .holdout, limit: 6)
        let outcome = try await evaluate(session, store: store, models: Self.noModels, options: EvaluateOptions(agents: Self.runtime(driver)))
        #expect(driver.received.count == 6)
        let first = try #require(driver.received.first)
        #expect(first.protocolVersion == AgentProtocol.version)
        #expect(first.unit.id == session.items[0].id)
        #expect(first.input.text == session.items[0].input)
        #expect(first.input.fields["input"] == session.items[0].input)
        #expect(first.profile.systemPrompt == bundle.profile.systemPrompt)
        #expect(first.input.messages.last?.role == .user)
        #expect(outcome.report.items.allSatisfy { $0.error == nil })

        // The same eval again replays every unit from the journal: the agent is not asked again.
        _ = try await evaluate(session, store: store, models: Self.noModels, options: EvaluateOptions(agents: Self.runtime(driver)))
        #expect(driver.received.count == 6)
    }

    @Test func anAgentFailureScoresZeroAndCountsWhileAProviderFailureIsExcluded() async throws {
        let (_, bundle) = try Self.inputs()
        let session = EvalSession(bundle: bundle, split: .holdout, limit: 6)
        let items = session.items
        let labels = Self.labeller(bundle)
        let driver = ScriptedAgentDriver { request in
            if request.unit.id == items[0].id { throw AgentFailure(problem: "timed out after 30 s", stderrTail: "Traceback ...") }
            if request.unit.id == items[1].id { return AgentUnitOutcome(reply: AgentReply(reply: "x"), infrastructureError: "local/m: HTTP 503") }
            return try labels(request)
        }
        let outcome = try await evaluate(session, store: nil, models: Self.noModels, options: EvaluateOptions(agents: Self.runtime(driver)))
        let failed = try #require(outcome.report.items.first { $0.itemID == items[0].id })
        #expect(failed.failure == .agent)
        #expect(failed.score == 0)
        #expect(!failed.isExcluded)
        #expect(failed.error?.contains("timed out") == true)
        let infra = try #require(outcome.report.items.first { $0.itemID == items[1].id })
        #expect(infra.failure == .infrastructure)
        #expect(infra.isExcluded)
    }

    @Test func aModelOutsideThePolicyAskedForByTheAgentStopsTheRun() async throws {
        let (inputs, bundle) = try Self.inputs()
        let driver = ScriptedAgentDriver { _ in
            AgentUnitOutcome(reply: AgentReply(reply: "positive"), breach: .notAllowed(model: "openai/gpt-4o", allowed: bundle.policy.allowedModels.patterns, role: "agent"))
        }
        var options = ImproveOptions(budget: Budget(metricCalls: 140))
        options.agents = Self.runtime(driver)
        let store = try SQLiteRunStore(path: inputs.profileFile.deletingLastPathComponent().appendingPathComponent("store.sqlite").path)
        await #expect(throws: ModelError.self) {
            _ = try await improve(inputs, surface: .prompt, options: options, store: store, models: Self.noModels)
        }
        let run = try #require(try await store.listRuns(limit: 1).first)
        #expect(run.state == .failed)
        #expect(!FileManager.default.fileExists(atPath: inputs.profileFile.deletingLastPathComponent().appendingPathComponent("profile.v2.yaml").path))
    }

    @Test func anAgentProfileWithoutARuntimeIsRefusedBeforeTheStoreOpens() throws {
        let (inputs, _) = try Self.inputs()
        #expect(throws: AgentRuntimeMissing.self) { _ = try ImprovePlan(inputs, options: ImproveOptions(budget: Budget(metricCalls: 140))) }
    }

    @Test func improveSearchesTheAgentsPromptAndAResumedRunAsksNoUnitTwice() async throws {
        let (inputs, bundle) = try Self.inputs()
        let directory = inputs.profileFile.deletingLastPathComponent()
        // The reference: uninterrupted.
        let reference = ScriptedAgentDriver(answer: Self.labeller(bundle))
        var options = ImproveOptions(budget: Budget(metricCalls: 140))
        options.agents = Self.runtime(reference)
        let noModels = Self.noModels
        let referenceStore = try SQLiteRunStore(path: directory.appendingPathComponent("reference.sqlite").path)
        let expected = try await improve(inputs, surface: .prompt, generator: "operators", options: options, store: referenceStore, models: noModels)

        // Cancelled after 40 units, then run again: each unit is asked once in all.
        let counted = Mutex(0)
        let labels = Self.labeller(bundle)
        let first = ScriptedAgentDriver { request in
            let n = counted.withLock { count in
                count += 1
                return count
            }
            if n > 40 { throw CancellationError() }
            return try labels(request)
        }
        options.agents = Self.runtime(first)
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        await #expect(throws: (any Error).self) {
            _ = try await improve(inputs, surface: .prompt, generator: "operators", options: options, store: store, models: noModels)
        }
        let second = ScriptedAgentDriver(answer: labels)
        options.agents = Self.runtime(second)
        let resumed = try await improve(inputs, surface: .prompt, generator: "operators", options: options, store: store, models: noModels)
        #expect(resumed.winnerID == expected.winnerID)
        #expect(resumed.verdict == expected.verdict)
        let answeredBefore = first.received.count - max(0, first.received.count - 40)
        #expect(answeredBefore + second.received.count <= reference.received.count + 2, "\(answeredBefore) + \(second.received.count) units vs \(reference.received.count)")
    }
}

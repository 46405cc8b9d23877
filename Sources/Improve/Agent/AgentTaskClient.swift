import Foundation
import ImproveCore

/// The task role of a profile with an `agent:` block: each completion the evaluators ask for is
/// one unit the user's agent answers, through its driver (a program or a service), while the
/// model calls the agent makes go through the run's gateway.
///
/// The unit's reply is itself a journaled step, keyed by the unit request (the candidate's
/// surfaces, the unit, the input; never the gateway address or token): a resumed run replays a
/// unit the agent already answered without starting the agent, and a unit cut short by a kill is
/// answered again with every gateway call it had completed replayed for free. The step carries
/// no ledger charge: the unit's model calls are charged once each, by the gateway.
struct AgentTaskClient: ModelClient {
    let driver: any AgentDriver
    let journal: any StepJournal
    /// The parsed `agent.config` settings file, sent as `profile.config`.
    let config: JSONValue?
    /// The run's seed, from which each unit's seed derives.
    let seed: UInt64

    /// Answers `request` (the messages the built-in agent would send) by the agent, for the unit
    /// the evaluator set in ``AgentUnitContext/current``.
    /// - Throws: ``AgentFailure`` (the unit scores 0), ``AgentInfrastructureFailure`` (the unit is
    ///   excluded), `ModelError.notAllowed` when the agent asked for a model outside the policy.
    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        guard let context = AgentUnitContext.current else {
            throw AgentFailure(problem: "improve asked the agent outside a unit (no AgentUnitContext); this is a bug in the evaluator that made the call")
        }
        let unitRequest = AgentRequests.unit(context, messages: request.messages, model: request.model, config: config, runSeed: seed)
        let signature: JSONValue = ["scheme": 1, "agentUnit": try JSONValue(encoding: unitRequest)]
        let driver = self.driver
        let step = try await journal.step(.agentUnit, signature: signature, as: AgentStep.self) {
            let outcome = try await driver.respond(unitRequest)
            if let breach = outcome.breach { throw breach }
            if let problem = outcome.infrastructureError { throw AgentInfrastructureFailure(problem: problem) }
            return StepOutput(AgentStep(reply: outcome.reply, usage: outcome.usage, calls: outcome.calls))
        }
        return ChatResponse(
            text: step.reply.reply, usage: step.usage, servedModel: request.model.id, source: .agent, agentTrace: step.reply.trace)
    }
}

/// A unit's answer as journaled: the agent's reply and what its gateway calls cost.
struct AgentStep: Codable, Sendable {
    var reply: AgentReply
    var usage: Usage
    var calls: Int
}

/// A model call of the agent failed between the gateway and the provider (after retries): the
/// unit is an infrastructure failure, excluded from both arms like a failed persona trial.
public struct AgentInfrastructureFailure: Error, CustomStringConvertible, Sendable {
    /// The provider's failure, redacted.
    public var problem: String
    public var description: String { "agent's model call failed: \(problem)" }
}

/// Building the protocol's unit request from what the evaluator knows.
enum AgentRequests {
    static func unit(_ context: AgentUnitContext, messages: [ChatMessage], model: ModelSpec, config: JSONValue?, runSeed: UInt64) -> AgentUnitRequest {
        let profile = context.profile
        let surfaces = AgentUnitRequest.Surfaces(
            name: profile.name, systemPrompt: profile.systemPrompt, userTemplate: profile.userTemplate, skills: profile.skills,
            strategy: profile.strategy, tools: profile.tools, config: config, model: model.qualifiedName)
        // The item's named fields, never its expected answer.
        let input = AgentUnitRequest.Input(text: context.item?.fields["input"], fields: context.item?.fields ?? [:], messages: messages)
        let unit = AgentUnitRequest.Unit(id: context.unitID, trial: context.trial, turn: context.turn, seed: unitSeed(runSeed, context))
        return AgentUnitRequest(unit: unit, profile: surfaces, input: input)
    }

    /// A seed per unit, trial and turn, derived from the run's seed: the same on every resumption.
    static func unitSeed(_ runSeed: UInt64, _ context: AgentUnitContext) -> UInt64 {
        let digest = ContentHash.sha256(Data("\(runSeed)|\(context.unitID)|\(context.trial)|\(context.turn)".utf8))
        return UInt64(digest.prefix(16), radix: 16) ?? runSeed
    }
}

extension ResponseSource {
    /// The answer of an agent program or service (its own model calls are journaled apart).
    public static let agent: ResponseSource = "agent"
}

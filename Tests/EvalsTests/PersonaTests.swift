import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Evals

@Suite struct PersonaTests {
    let simulatorModel = ModelSpec(provider: "local", id: "sim", temperature: 0.7, maxTokens: 40, seed: 10)
    let persona = PersonaCard(
        id: "refund", description: "Lee", goal: "get a refund", knownInfo: ["order PN-1"], scriptedTurns: ["Hi, I want a refund."],
        mustContain: ["refund"], mustNotContain: ["no refund"])
    let agent = ScriptedModelClient { _ in "Your refund is on its way." }

    func dialogue(simulator: any ModelClient, agent: (any ModelClient)? = nil, maxTurns: Int = 4) -> PersonaDialogue {
        PersonaDialogue(agent: agent ?? self.agent, simulator: simulator, simulatorModel: simulatorModel, settings: SimulationSettings(maxTurns: maxTurns))
    }

    @Test func theSimulatorEndsTheDialogueWithTheStopToken() async throws {
        let simulator = ScriptedModelClient { request in
            // Second simulator turn: thank and stop.
            request.messages.count > 4 ? "Thanks! ###STOP###" : "It was order PN-1."
        }
        let transcript = try await dialogue(simulator: simulator).run(persona, profile: profile("Support agent."), trial: 0)
        #expect(transcript.end == .stopToken)
        #expect(transcript.messages.map(\.role) == [.user, .assistant, .user, .assistant, .user])
        #expect(transcript.messages.first?.content == "Hi, I want a refund.")
        #expect(transcript.messages.last?.content == "Thanks!")
        #expect(transcript.agentTurns == 2)
        // The simulator sees its own lines as assistant turns, the agent's as user turns.
        let seen = simulator.calls[0].messages
        #expect(seen[0].role == .system && seen[0].content.contains("get a refund") && seen[0].content.contains("###STOP###"))
        #expect(seen.dropFirst(2).map(\.role) == [.assistant, .user])
        #expect(simulator.calls[0].model.seed == 10)
        // The agent sees its own system prompt and the dialogue.
        #expect(agent.calls[0].messages == [.system("Support agent."), .user("Hi, I want a refund.")])
    }

    @Test func theAgentSayingTheStopTokenDoesNotEndIt() async throws {
        let sneaky = ScriptedModelClient { _ in "Done. ###STOP###" }
        let simulator = ScriptedModelClient { _ in "Still there?" }
        let transcript = try await dialogue(simulator: simulator, agent: sneaky, maxTurns: 3).run(persona, profile: profile(), trial: 0)
        #expect(transcript.end == .turnCeiling)
        #expect(transcript.agentTurns == 3)
        #expect(sneaky.callCount == 3)
        // Scripted first turn, then one simulator turn after each agent reply.
        #expect(simulator.callCount == 3)
    }

    @Test func aSimulatorFailureIsCountedApartFromTheAgent() async throws {
        let broken = ScriptedModelClient { _ in throw ModelError.timeout(provider: "local", seconds: 30) }
        let evaluator = PersonaEvaluator(dialogue: dialogue(simulator: broken), settings: SimulationSettings(trials: 3))
        let results = try await evaluator.evaluate(profile(), personas: [persona])
        #expect(results.map(\.itemID) == ["refund#0", "refund#1", "refund#2"])
        #expect(results.allSatisfy { $0.failure == .simulator })
        // The text users see is unchanged by the kind.
        #expect(results.allSatisfy { $0.error?.hasPrefix("simulator: ") == true })
        let summary = PersonaEvaluator.summarise(results, personas: [persona])
        #expect(summary == [PersonaSummary(personaID: "refund", trials: 0, successes: 0, simulatorErrors: 3, infraErrors: 0, passHatK: [])])
        // The agent answered the scripted first turn each time before the simulator failed.
        #expect(agent.callCount == 3)
    }

    @Test func gradingUsesChecksCompletionAndTheJudge() async throws {
        let simulator = ScriptedModelClient { request in
            // Trial 1 (seed 11) never stops; trial 0 stops at once.
            request.model.seed == 10 ? "###STOP###" : "hmm"
        }
        var card = persona
        card.rubric = "The agent grants the refund."
        let judge = ScriptedModelClient { request in
            request.messages.last?.content.contains("Agent: Your refund is on its way.") == true ? "SCORE: 9" : "SCORE: 1"
        }
        let evaluator = PersonaEvaluator(
            dialogue: dialogue(simulator: simulator, maxTurns: 2), settings: SimulationSettings(maxTurns: 2, trials: 2),
            environment: ScorerEnvironment(judge: judge, judgeModel: taskModel))
        let results = try await evaluator.evaluate(profile(), personas: [card])
        #expect(results[0].passed == true)
        #expect(results[0].dimensions == ["persona": 1, "persona.completed": 1, "persona.checks": 1, "persona.judge": 0.9])
        #expect(results[1].passed == false)
        #expect(results[1].feedback.contains("had not finished after 2 agent replies"))
        let summary = try #require(PersonaEvaluator.summarise(results, personas: [card]).first)
        #expect(summary.trials == 2 && summary.successes == 1)
        #expect(summary.passHatK == [0.5, 0])
    }

    @Test func forbiddenAndMissingPhrasesFailTheDialogue() async throws {
        let rude = ScriptedModelClient { _ in "Sorry, no refund." }
        let simulator = ScriptedModelClient { _ in "###STOP###" }
        let evaluator = PersonaEvaluator(dialogue: dialogue(simulator: simulator, agent: rude), settings: SimulationSettings(trials: 1))
        let result = try #require(try await evaluator.evaluate(profile(), personas: [persona]).first)
        #expect(result.passed == false)
        #expect(result.dimensions["persona.checks"] == 0)
        #expect(result.feedback.contains("must not say: \"no refund\""))
    }
}

@Suite struct PassHatKTests {
    @Test(arguments: [
        (5, 3, 1, 0.6), (5, 3, 2, 0.3), (5, 3, 3, 0.1), (5, 3, 4, 0.0), (10, 7, 3, 35.0 / 120.0), (4, 4, 4, 1.0), (8, 0, 1, 0.0),
        (20, 15, 5, 3003.0 / 15504.0),
    ])
    func matchesHandComputedBinomialRatios(n: Int, c: Int, k: Int, expected: Double) throws {
        let value = try #require(PassHatK.estimate(trials: n, successes: c, k: k))
        #expect(abs(value - expected) < 1e-12)
    }

    @Test func rejectsImpossibleArguments() {
        #expect(PassHatK.estimate(trials: 3, successes: 1, k: 4) == nil)
        #expect(PassHatK.estimate(trials: 3, successes: 4, k: 1) == nil)
        #expect(PassHatK.estimate(trials: 0, successes: 0, k: 1) == nil)
        #expect(PassHatK.mean([(4, 2), (4, 4)], k: 2) == (1.0 / 6.0 + 1.0) / 2)
    }
}

import Foundation
import ImproveCore

/// How a persona dialogue ended.
public enum DialogueEnd: String, Codable, Sendable {
    /// The simulated user wrote the stop token.
    case stopToken
    /// The agent used all its turns and the user had not ended the dialogue.
    case turnCeiling
    /// The simulator's model call failed: not the agent's fault, counted apart.
    case simulatorError
    /// The agent's model call failed (infrastructure), counted apart from low scores.
    case agentError
    /// The user's agent program or service failed the turn (``AgentFailure``): scored 0.
    case agentFailure
}

/// One finished (or failed) persona dialogue.
public struct PersonaTranscript: Codable, Sendable, Equatable {
    public var personaID: String
    public var trial: Int
    /// `user` = the simulated person, `assistant` = the agent.
    public var messages: [ChatMessage]
    public var end: DialogueEnd
    public var agentTurns: Int
    public var agentUsage: Usage
    public var simulatorUsage: Usage
    public var error: String?

    /// The agent's messages joined, for checks and the judge.
    public var agentText: String {
        messages.filter { $0.role == .assistant }.map(\.content).joined(separator: "\n")
    }

    /// The dialogue as `User: …` / `Agent: …` lines.
    public var rendered: String {
        messages.map { "\($0.role == .user ? "User" : "Agent"): \($0.content)" }.joined(separator: "\n")
    }
}

/// Runs one dialogue between a simulated user and an agent profile.
///
/// The persona speaks first (scripted turns, then the simulator model); the agent answers with
/// its profile; only the simulator ends the dialogue, with the stop token; the agent gets at
/// most `maxTurns` replies.
public struct PersonaDialogue: Sendable {
    let agent: any ModelClient
    let simulator: any ModelClient
    let simulatorModel: ModelSpec
    let settings: SimulationSettings

    /// - Parameters:
    ///   - agent: the agent's model client (guarded and journaled by the caller).
    ///   - simulator: the simulated user's client (guarded and journaled by the caller).
    ///   - simulatorModel: the simulator's model (policy role `simulator`).
    public init(agent: any ModelClient, simulator: any ModelClient, simulatorModel: ModelSpec, settings: SimulationSettings) {
        self.agent = agent
        self.simulator = simulator
        self.simulatorModel = simulatorModel
        self.settings = settings
    }

    /// The simulator's instructions for `persona`.
    public func simulatorPrompt(_ persona: PersonaCard) -> String {
        var text = """
            You are role-playing a person writing to a customer-support agent. Stay in character and write only \
            that person's next message, in one to three short sentences. Never write the agent's part.

            Who you are: \(persona.description)
            Your goal: \(persona.goal)
            """
        if !persona.knownInfo.isEmpty { text += "\nWhat you know (give it when asked): " + persona.knownInfo.joined(separator: "; ") }
        if !persona.unknownInfo.isEmpty { text += "\nWhat you do not know (never invent it): " + persona.unknownInfo.joined(separator: "; ") }
        if !persona.instructions.isEmpty { text += "\nHow to behave: \(persona.instructions)" }
        text += "\nWhen your goal is met, or it clearly cannot be met, reply with \(settings.stopToken) and nothing else."
        return text
    }

    /// Runs trial `trial` (0-based) of `persona` against `profile`.
    public func run(_ persona: PersonaCard, profile: AgentProfile, trial: Int) async throws -> PersonaTranscript {
        var transcript = PersonaTranscript(personaID: persona.id, trial: trial, messages: [], end: .turnCeiling, agentTurns: 0, agentUsage: .zero, simulatorUsage: .zero)
        var model = simulatorModel
        // A distinct seed per trial, so sampled simulators vary across trials and journals keep them apart.
        model.seed = (simulatorModel.seed ?? 0) &+ trial
        let agentSystem = PromptRenderer.systemPrompt(for: profile)
        var personaTurns = 0
        while true {
            let said: String
            if personaTurns < persona.scriptedTurns.count {
                said = persona.scriptedTurns[personaTurns]
            } else {
                do {
                    let response = try await simulator.complete(ChatRequest(model: model, messages: simulatorMessages(persona, transcript.messages)))
                    transcript.simulatorUsage = transcript.simulatorUsage + response.usage
                    said = response.text
                } catch {
                    if Self.endsTheEvaluation(error) { throw error }
                    return failed(transcript, .simulatorError, error)
                }
            }
            personaTurns += 1
            if let stop = said.range(of: settings.stopToken) {
                let before = said[..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
                if !before.isEmpty { transcript.messages.append(.user(before)) }
                transcript.end = .stopToken
                return transcript
            }
            transcript.messages.append(.user(said.trimmingCharacters(in: .whitespacesAndNewlines)))
            if transcript.agentTurns >= settings.maxTurns {
                transcript.end = .turnCeiling
                return transcript
            }
            do {
                let messages = (agentSystem.isEmpty ? [] : [ChatMessage.system(agentSystem)]) + transcript.messages
                // An agent program answers this turn as a unit of its own.
                let unit = AgentUnitContext(profile: profile, unitID: PersonaUnit.id(persona: persona.id, trial: trial), trial: trial, turn: transcript.agentTurns)
                let response = try await AgentUnitContext.$current.withValue(unit) {
                    try await agent.complete(ChatRequest(model: profile.model, messages: messages))
                }
                transcript.agentUsage = transcript.agentUsage + response.usage
                transcript.messages.append(.assistant(response.text.trimmingCharacters(in: .whitespacesAndNewlines)))
                transcript.agentTurns += 1
            } catch {
                if Self.endsTheEvaluation(error) { throw error }
                return failed(transcript, error is AgentFailure ? .agentFailure : .agentError, error)
            }
        }
    }

    /// The dialogue from the simulator's side: its own lines are `assistant`, the agent's `user`.
    func simulatorMessages(_ persona: PersonaCard, _ dialogue: [ChatMessage]) -> [ChatMessage] {
        // Chat templates expect a user turn first, so an opener stands in for the chat window.
        var messages: [ChatMessage] = [.system(simulatorPrompt(persona)), .user("(The support chat is open. Write your first message to the agent.)")]
        for message in dialogue {
            messages.append(message.role == .user ? .assistant(message.content) : .user(message.content))
        }
        return messages
    }

    /// Errors that stop the whole evaluation instead of failing one dialogue: a cancelled run,
    /// the step store, and a model the policy does not allow.
    static func endsTheEvaluation(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError, is StoreError: return true
        case ModelError.notAllowed: return true
        default: return false
        }
    }

    private func failed(_ transcript: PersonaTranscript, _ end: DialogueEnd, _ error: any Error) -> PersonaTranscript {
        var transcript = transcript
        transcript.end = end
        transcript.error = String(describing: error)
        return transcript
    }
}

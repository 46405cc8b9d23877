import Foundation

/// The versioned protocol between improve and an agent (docs/agent-protocol.md): one request per
/// unit, one reply. Unknown fields are ignored on both sides.
public enum AgentProtocol {
    /// The protocol version improve speaks; sent as `"protocol"` in every request.
    public static let version = 1
    /// The largest reply accepted, in bytes; a larger one is an agent failure.
    public static let replyLimit = 10 * 1024 * 1024
}

/// What improve sends an agent for one unit: an item, or one agent turn of a persona dialogue.
public struct AgentUnitRequest: Codable, Sendable, Equatable {
    /// The unit: its id, its trial and a seed derived from both and the run's seed.
    public struct Unit: Codable, Sendable, Equatable {
        /// The item id, or `<persona>#<trial>` for a dialogue.
        public var id: String
        /// The trial (0 for items; the dialogue's trial for persona units).
        public var trial: Int
        /// The agent turn within a dialogue (0 for items).
        public var turn: Int
        /// A seed for the agent's own random choices.
        public var seed: UInt64

        public init(id: String, trial: Int = 0, turn: Int = 0, seed: UInt64 = 0) {
            self.id = id
            self.trial = trial
            self.turn = turn
            self.seed = seed
        }
    }

    /// The candidate profile's surfaces: what a search may change.
    public struct Surfaces: Codable, Sendable, Equatable {
        public var name: String
        public var systemPrompt: String
        public var userTemplate: String
        public var skills: [Skill]
        public var strategy: String?
        public var tools: [ToolSpec]
        /// The parsed settings file named by `agent.config`, if any.
        public var config: JSONValue?
        /// The model the profile names (`provider/id`); the agent asks the gateway for it.
        public var model: String

        public init(name: String, systemPrompt: String, userTemplate: String, skills: [Skill], strategy: String?, tools: [ToolSpec], config: JSONValue?, model: String) {
            self.name = name
            self.systemPrompt = systemPrompt
            self.userTemplate = userTemplate
            self.skills = skills
            self.strategy = strategy
            self.tools = tools
            self.config = config
            self.model = model
        }
    }

    /// What the agent answers.
    public struct Input: Codable, Sendable, Equatable {
        /// The item's input text (nil for a dialogue turn).
        public var text: String?
        /// The item's metadata fields (never its expected answer).
        public var fields: [String: String]
        /// The conversation as the built-in agent would send it: the rendered system prompt and
        /// user message for an item, the dialogue so far for a persona turn.
        public var messages: [ChatMessage]

        public init(text: String?, fields: [String: String], messages: [ChatMessage]) {
            self.text = text
            self.fields = fields
            self.messages = messages
        }
    }

    /// How the agent reaches models: only through the gateway, with this token.
    public struct Models: Codable, Sendable, Equatable {
        /// The gateway's OpenAI-compatible base URL (`http://127.0.0.1:<port>/v1`).
        public var baseURL: String
        /// The bearer token for this unit (never a provider's key).
        public var apiKey: String
        /// The model id to ask for (the profile's `provider/id`).
        public var model: String

        public init(baseURL: String, apiKey: String, model: String) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
        }
    }

    /// Always ``AgentProtocol/version``.
    public var protocolVersion: Int
    public var unit: Unit
    public var profile: Surfaces
    public var input: Input
    /// Filled in by the driver when it sends the request; not part of the unit's identity.
    public var models: Models?

    enum CodingKeys: String, CodingKey {
        case protocolVersion = "protocol", unit, profile, input, models
    }

    public init(unit: Unit, profile: Surfaces, input: Input, models: Models? = nil) {
        self.protocolVersion = AgentProtocol.version
        self.unit = unit
        self.profile = profile
        self.input = input
        self.models = models
    }
}

/// What an agent answers for one unit.
public struct AgentReply: Codable, Sendable, Equatable {
    /// The agent's answer: what the suite's scorers grade, or the agent's turn in a dialogue.
    public var reply: String
    /// Optional: steps, tool calls with arguments and results, free-form; shown in reports.
    public var trace: JSONValue?
    /// Optional: the agent's own usage report (improve counts the gateway's calls regardless).
    public var usage: Usage?

    public init(reply: String, trace: JSONValue? = nil, usage: Usage? = nil) {
        self.reply = reply
        self.trace = trace
        self.usage = usage
    }
}

/// An agent did not answer a unit properly: it crashed, exited, timed out, broke the protocol or
/// replied out of schema. The unit scores 0 and is counted (unlike an infrastructure failure).
public struct AgentFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, with the fix when there is one.
    public var problem: String
    /// The last lines the agent wrote on standard error (exec agents), redacted.
    public var stderrTail: String?

    public init(problem: String, stderrTail: String? = nil) {
        self.problem = problem
        self.stderrTail = stderrTail
    }

    public var description: String {
        guard let stderrTail, !stderrTail.isEmpty else { return "agent: \(problem)" }
        return "agent: \(problem); its stderr ended: \(stderrTail)"
    }
}

import Foundation

/// One agent profile: the unit `improve` searches over and writes back.
///
/// Stored as `profile.yaml` in a profile directory. Its identity is ``contentHash``,
/// the SHA-256 of its canonical JSON.
public struct AgentProfile: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    public var model: ModelSpec
    public var systemPrompt: String
    /// How an eval input is rendered into the user message; `{{input}}` and other
    /// `{{field}}` placeholders are replaced by the item's fields.
    public var userTemplate: String
    public var skills: [Skill]
    public var strategy: String?
    public var metadata: [String: JSONValue]
    /// The program or service that answers units instead of one chat completion (nil: the
    /// built-in agent, which completes `systemPrompt` + `userTemplate` with ``model``). Not
    /// encoded when nil, so the content hash of a profile without one is unchanged.
    public var agent: AgentSpec? = nil
    /// Tools the agent implements, sent to it with the profile (empty: not encoded).
    public var tools: [ToolSpec] = []

    public init(
        name: String, version: Int = 1, model: ModelSpec, systemPrompt: String, userTemplate: String = "{{input}}",
        skills: [Skill] = [], strategy: String? = nil, metadata: [String: JSONValue] = [:]
    ) {
        self.name = name
        self.version = version
        self.model = model
        self.systemPrompt = systemPrompt
        self.userTemplate = userTemplate
        self.skills = skills
        self.strategy = strategy
        self.metadata = metadata
    }

    /// SHA-256 of the canonical JSON of this profile: its identity everywhere.
    enum CodingKeys: String, CodingKey {
        case name, version, model, systemPrompt, userTemplate, skills, strategy, metadata, agent, tools
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        version = try container.decode(Int.self, forKey: .version)
        model = try container.decode(ModelSpec.self, forKey: .model)
        systemPrompt = try container.decode(String.self, forKey: .systemPrompt)
        userTemplate = try container.decode(String.self, forKey: .userTemplate)
        skills = try container.decode([Skill].self, forKey: .skills)
        strategy = try container.decodeIfPresent(String.self, forKey: .strategy)
        metadata = try container.decode([String: JSONValue].self, forKey: .metadata)
        agent = try container.decodeIfPresent(AgentSpec.self, forKey: .agent)
        tools = try container.decodeIfPresent([ToolSpec].self, forKey: .tools) ?? []
    }

    /// Encodes `agent` and `tools` only when set: profiles without them keep their content hash.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(version, forKey: .version)
        try container.encode(model, forKey: .model)
        try container.encode(systemPrompt, forKey: .systemPrompt)
        try container.encode(userTemplate, forKey: .userTemplate)
        try container.encode(skills, forKey: .skills)
        try container.encodeIfPresent(strategy, forKey: .strategy)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(agent, forKey: .agent)
        if !tools.isEmpty { try container.encode(tools, forKey: .tools) }
    }

    public var contentHash: String {
        // Encoding a struct of strings, ints, finite doubles and JSON values cannot fail; a
        // non-finite temperature is rejected by the loader before a profile exists.
        (try? ContentHash.of(self)) ?? ContentHash.sha256(String(describing: self))
    }
}

/// Which model a profile (or a role such as reflection or judge) calls, and how.
public struct ModelSpec: Codable, Sendable, Hashable {
    /// Provider name from the provider config (`local`, `openai`, `anthropic`, `openrouter`, ...).
    public var provider: String
    /// Model id as the provider knows it.
    public var id: String
    public var temperature: Double
    public var maxTokens: Int
    public var seed: Int?

    public init(provider: String, id: String, temperature: Double = 0, maxTokens: Int = 256, seed: Int? = nil) {
        self.provider = provider
        self.id = id
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
    }

    /// `provider/id`, the form the allowed-models policy matches against.
    public var qualifiedName: String { "\(provider)/\(id)" }
}

/// A skill document attached to a profile (SKILL.md-like: name, description, markdown body).
public struct Skill: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var body: String

    public init(name: String, description: String, body: String) {
        self.name = name
        self.description = description
        self.body = body
    }
}

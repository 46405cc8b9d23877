import Foundation

/// Reads and validates `profile.yaml`.
public enum ProfileLoader {
    static let topKeys = ["name", "version", "model", "systemPrompt", "userTemplate", "skills", "strategy", "metadata", "agent", "tools"]
    static let modelKeys = ["provider", "id", "temperature", "maxTokens", "seed"]
    static let skillKeys = ["name", "description", "body"]

    /// Loads a profile from a YAML file; an `agent:` block is checked against the file's
    /// directory (its program, its settings file).
    public static func load(contentsOf url: URL) throws -> AgentProfile {
        try parse(ConfigNode.load(contentsOf: url), directory: url.deletingLastPathComponent())
    }

    /// Parses profile YAML text; `file` names it in errors. `directory` is the profile
    /// directory an `agent:` block is checked against (default: the directory of `file`).
    public static func parse(_ text: String, file: String, directory: URL? = nil) throws -> AgentProfile {
        try parse(ConfigNode.parse(text, file: file), directory: directory ?? URL(fileURLWithPath: file).deletingLastPathComponent())
    }

    static func parse(_ root: ConfigNode, directory: URL) throws -> AgentProfile {
        let top = try root.mapping()
        try top.rejectUnknownKeys(topKeys)
        let name = try top.required("name").nonEmptyString()
        let version = try top.optional("version")?.int(in: 1...1_000_000) ?? 1
        let model = try parseModel(top.required("model", hint: "give provider and id, e.g. provider: local, id: smollm2-135m-instruct"))
        let systemPrompt = try top.optional("systemPrompt")?.string() ?? ""
        let userTemplate = try top.optional("userTemplate")?.string() ?? "{{input}}"
        let skills = try top.optional("skills")?.list().map(parseSkill) ?? []
        let duplicates = Dictionary(grouping: skills, by: \.name).filter { $0.value.count > 1 }.keys.sorted()
        if let duplicate = duplicates.first, let node = top.optional("skills") {
            throw node.error("two skills are named \"\(duplicate)\"", hint: "skill names must be unique")
        }
        let strategy = try top.optional("strategy")?.string()
        var metadata: [String: JSONValue] = [:]
        if let node = top.optional("metadata") {
            for (key, value) in try node.mapping().members { metadata[key] = try value.json() }
        }
        var profile = AgentProfile(
            name: name, version: version, model: model, systemPrompt: systemPrompt, userTemplate: userTemplate,
            skills: skills, strategy: strategy, metadata: metadata)
        profile.agent = try top.optional("agent").map { try AgentSpecLoader.parseAgent($0, directory: directory) }
        if let toolsNode = top.optional("tools") {
            profile.tools = try AgentSpecLoader.parseTools(toolsNode)
            // The built-in agent makes one plain completion: tools would be sent to nobody.
            if profile.agent == nil, !profile.tools.isEmpty {
                throw toolsNode.error("tools are implemented by your agent, and this profile has none", hint: "add an agent: block, or remove tools:")
            }
        }
        return profile
    }

    /// Parses a model block (`provider`, `id`, `temperature`, `maxTokens`, `seed`); shared by
    /// profiles and by the role models in a policy.
    public static func parseModel(_ node: ConfigNode) throws -> ModelSpec {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(modelKeys)
        return ModelSpec(
            provider: try fields.required("provider", hint: "a provider name from providers.yaml, e.g. local").nonEmptyString(),
            id: try fields.required("id", hint: "the model id the provider serves").nonEmptyString(),
            temperature: try fields.optional("temperature")?.double(in: 0...2) ?? 0,
            maxTokens: try fields.optional("maxTokens")?.int(in: 1...1_000_000) ?? 256,
            seed: try fields.optional("seed")?.int())
    }

    static func parseSkill(_ node: ConfigNode) throws -> Skill {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(skillKeys)
        let nameNode = try fields.required("name")
        let name = try nameNode.nonEmptyString()
        try SkillRules.validate(name: name, at: nameNode)
        let descriptionNode = try fields.required("description")
        let description = try descriptionNode.nonEmptyString()
        if description.count > SkillRules.maxDescriptionLength {
            throw descriptionNode.error("is \(description.count) characters long", hint: "at most \(SkillRules.maxDescriptionLength)")
        }
        return Skill(name: name, description: description, body: try fields.optional("body")?.string() ?? "")
    }
}

/// Naming rules for skills, shared by the loader and the skill optimiser.
public enum SkillRules {
    public static let maxNameLength = 64
    public static let maxDescriptionLength = 1024

    /// True for kebab-case names of 1...64 characters (`lower-case-words-and-digits`).
    public static func isValidName(_ name: String) -> Bool {
        guard (1...maxNameLength).contains(name.count), !name.hasPrefix("-"), !name.hasSuffix("-"), !name.contains("--") else {
            return false
        }
        return name.allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" }
    }

    static func validate(name: String, at node: ConfigNode) throws {
        guard isValidName(name) else {
            throw node.error("\"\(name)\" is not a valid skill name", hint: "kebab-case, lower-case letters, digits and single hyphens, at most \(maxNameLength) characters")
        }
    }
}

import Foundation
import ImproveCore

/// A simulated user for a multi-turn eval (tau-bench style): who they are, what they want,
/// what they know, how to judge the dialogue.
public struct PersonaCard: Codable, Sendable, Equatable {
    public var id: String
    /// Who the user is, in a sentence or two.
    public var description: String
    /// What they want from the agent, and why.
    public var goal: String
    /// Facts the user can give when asked (order numbers, names).
    public var knownInfo: [String]
    /// Facts the user does not know and must not invent.
    public var unknownInfo: [String]
    /// How to play the part (tone, patience, when to give up).
    public var instructions: String
    /// Messages the user sends first, verbatim, before the simulator model takes over.
    public var scriptedTurns: [String]
    /// What a successful dialogue achieves; graded by the judge when one is configured.
    public var rubric: String?
    /// Deterministic checks over the agent's messages (case-insensitive).
    public var mustContain: [String]
    public var mustNotContain: [String]
    public var tags: [String]

    public init(
        id: String, description: String, goal: String, knownInfo: [String] = [], unknownInfo: [String] = [], instructions: String = "",
        scriptedTurns: [String] = [], rubric: String? = nil, mustContain: [String] = [], mustNotContain: [String] = [], tags: [String] = []
    ) {
        self.id = id
        self.description = description
        self.goal = goal
        self.knownInfo = knownInfo
        self.unknownInfo = unknownInfo
        self.instructions = instructions
        self.scriptedTurns = scriptedTurns
        self.rubric = rubric
        self.mustContain = mustContain
        self.mustNotContain = mustNotContain
        self.tags = tags
    }
}

/// How persona dialogues run.
public struct SimulationSettings: Codable, Sendable, Equatable {
    /// Most agent replies in one dialogue; a dialogue the simulator has not ended by then fails.
    public var maxTurns: Int
    /// The text with which the simulated user, and only it, ends the dialogue.
    public var stopToken: String
    /// Dialogues per persona (for pass^k).
    public var trials: Int

    public init(maxTurns: Int = 6, stopToken: String = "###STOP###", trials: Int = 1) {
        self.maxTurns = maxTurns
        self.stopToken = stopToken
        self.trials = trials
    }
}

/// Parses `personas:` and `simulation:` from `suite.yaml`.
enum PersonaParser {
    static let personaKeys = ["id", "description", "goal", "known", "unknown", "instructions", "firstTurns", "rubric", "mustContain", "mustNotContain", "tags"]
    static let settingsKeys = ["maxTurns", "stopToken", "trials"]

    static func personas(_ node: ConfigNode) throws -> [PersonaCard] {
        var seen: Set<String> = []
        return try node.list().map { entry in
            let fields = try entry.mapping()
            try fields.rejectUnknownKeys(personaKeys)
            let idNode = try fields.required("id")
            let id = try idNode.nonEmptyString()
            guard seen.insert(id).inserted else { throw idNode.error("duplicate persona id \"\(id)\"", hint: "persona ids must be unique") }
            return PersonaCard(
                id: id, description: try fields.required("description").nonEmptyString(),
                goal: try fields.required("goal", hint: "what the user wants and why").nonEmptyString(),
                knownInfo: try fields.optional("known")?.stringList() ?? [], unknownInfo: try fields.optional("unknown")?.stringList() ?? [],
                instructions: try fields.optional("instructions")?.string() ?? "", scriptedTurns: try fields.optional("firstTurns")?.stringList() ?? [],
                rubric: try fields.optional("rubric")?.nonEmptyString(), mustContain: try fields.optional("mustContain")?.stringList() ?? [],
                mustNotContain: try fields.optional("mustNotContain")?.stringList() ?? [], tags: try fields.optional("tags")?.stringList() ?? [])
        }
    }

    static func settings(_ node: ConfigNode?) throws -> SimulationSettings {
        var settings = SimulationSettings()
        guard let node else { return settings }
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(settingsKeys)
        if let value = fields.optional("maxTurns") { settings.maxTurns = try value.int(in: 1...100) }
        if let value = fields.optional("stopToken") { settings.stopToken = try value.nonEmptyString() }
        if let value = fields.optional("trials") { settings.trials = try value.int(in: 1...1000) }
        return settings
    }
}

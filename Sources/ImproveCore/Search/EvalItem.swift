/// One eval item: a stable id, named input fields, an optional expected value, tags.
public struct EvalItem: Codable, Sendable, Hashable {
    public var id: String
    /// Named inputs; `input` is the conventional main field rendered by `{{input}}`.
    public var fields: [String: String]
    public var expected: String?
    public var tags: [String]

    public init(id: String, fields: [String: String], expected: String? = nil, tags: [String] = []) {
        self.id = id
        self.fields = fields
        self.expected = expected
        self.tags = tags
    }

    /// Convenience for the common single-input item.
    public init(id: String, input: String, expected: String? = nil, tags: [String] = []) {
        self.init(id: id, fields: ["input": input], expected: expected, tags: tags)
    }

    public var input: String { fields["input"] ?? "" }
}

/// The trace of one rollout: what was sent, what came back, what it cost.
public struct RolloutTrace: Codable, Sendable, Hashable {
    public var messages: [ChatMessage]
    public var output: String
    public var usage: Usage
    public var servedModel: String
    public var latencyMs: Double
    /// Where the output came from.
    public var source: ResponseSource
    /// An agent program's own trace of the unit (tool calls, arguments, results); nil for the
    /// built-in agent, and then left out of the encoding.
    public var agentTrace: JSONValue? = nil

    public init(messages: [ChatMessage], output: String, usage: Usage, servedModel: String, latencyMs: Double, source: ResponseSource, agentTrace: JSONValue? = nil) {
        self.agentTrace = agentTrace
        self.messages = messages
        self.output = output
        self.usage = usage
        self.servedModel = servedModel
        self.latencyMs = latencyMs
        self.source = source
    }
}

/// Runs a profile on items and scores the outputs. Implemented by the Evals module.
public protocol ProfileEvaluator: Sendable {
    /// Results in the order of `items`; one per item (a failed rollout is a result with `error`).
    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult]

    /// The most metric calls scoring `item` can cost, reserved before it starts, so the search
    /// never starts a unit it cannot pay to finish (1 for a single-turn item).
    func metricCost(of item: EvalItem) -> Int

    /// The metric calls a finished `result` actually cost (at most ``metricCost(of:)``).
    func metricCalls(spentOn result: ItemResult) -> Int
}

extension ProfileEvaluator {
    /// One metric call per item: a single rollout.
    public func metricCost(of item: EvalItem) -> Int { 1 }

    /// One metric call per result.
    public func metricCalls(spentOn result: ItemResult) -> Int { 1 }
}

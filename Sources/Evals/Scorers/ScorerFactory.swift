import Foundation
import ImproveCore

/// Reads `scorers:` entries of `suite.yaml` by the kinds of a ``ScorerRegistry``.
enum ScorerFactory {
    /// Parses one `scorers:` entry, rejecting unknown types and keys with file:line.
    static func parse(_ node: ConfigNode, registry: ScorerRegistry = .builtIn) throws -> ScorerConfig {
        let fields = try node.mapping()
        let types = registry.types
        let typeNode = try fields.required("type", hint: "one of: \(types.joined(separator: ", "))")
        let type = try typeNode.oneOf(types)
        let kind = registry.kind(type)
        try fields.rejectUnknownKeys(["type", "name", "weight"] + (kind?.parameterKeys ?? []))
        var params: [String: JSONValue] = [:]
        for (key, value) in fields.members where !["type", "name", "weight"].contains(key) { params[key] = try value.json() }
        let config = ScorerConfig(
            type: type, name: try fields.optional("name")?.nonEmptyString(), weight: try fields.optional("weight")?.double(in: 0...1000) ?? 1, params: params)
        do {
            _ = try registry.make(config)
        } catch let error as ScorerError {
            throw node.error(error.problem)
        }
        try kind?.validate(config, at: node)
        return config
    }
}

/// Weighted mean of named dimensions; passes only when every dimension that defines
/// pass/fail passes.
public struct CompositeScorer: Sendable {
    /// The scorers and their weights.
    public let members: [(scorer: any Scorer, weight: Double)]

    /// Scorers already built.
    public init(_ members: [(scorer: any Scorer, weight: Double)]) {
        self.members = members
    }

    /// The scorers of `configs`, built by `registry`, weighted as configured.
    public init(configs: [ScorerConfig], environment: ScorerEnvironment = ScorerEnvironment(), registry: ScorerRegistry = .builtIn) throws {
        self.members = try configs.map { (try registry.make($0, environment: environment), $0.weight) }
    }

    /// Overall score, pass/fail, joined feedback of failing dimensions, and per-dimension scores.
    public func score(output: String, item: EvalItem) async throws -> (result: ScoreResult, dimensions: [String: Double]) {
        var dimensions: [String: Double] = [:]
        var weighted = 0.0
        var totalWeight = 0.0
        var verdicts: [Bool] = []
        var feedback: [String] = []
        for (scorer, weight) in members {
            let result = try await scorer.score(output: output, item: item)
            dimensions[scorer.name] = result.score
            weighted += result.score * weight
            totalWeight += weight
            if let passed = result.passed { verdicts.append(passed) }
            if result.passed == false || members.count == 1 { feedback.append(members.count == 1 ? result.feedback : "[\(scorer.name)] \(result.feedback)") }
        }
        let score = totalWeight > 0 ? weighted / totalWeight : 0
        let passed: Bool? = verdicts.isEmpty ? nil : verdicts.allSatisfy { $0 }
        let text = feedback.isEmpty ? "All checks passed." : feedback.joined(separator: " ")
        return (ScoreResult(score: score, passed: passed, feedback: text), dimensions)
    }
}

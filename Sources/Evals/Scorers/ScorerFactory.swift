import Foundation
import ImproveCore

/// Builds scorers from `suite.yaml` entries.
public enum ScorerFactory {
    /// Types accepted in `scorers[].type`.
    public static let types = ["label", "exact", "normalized", "contains", "icontains", "regex", "length", "numeric", "json", "judge", "command"]

    static let keysByType: [String: [String]] = [
        "label": ["labels", "exclusive"], "exact": ["value"], "normalized": ["value"], "contains": ["value", "negate"],
        "icontains": ["value", "negate"], "regex": ["pattern", "negate"], "length": ["min", "max"],
        "numeric": ["tolerance"], "json": ["path"], "judge": ["rubric", "passThreshold"], "command": ["command", "timeout"],
    ]

    /// Parses one `scorers:` entry, rejecting unknown types and keys with file:line.
    static func parse(_ node: ConfigNode) throws -> ScorerConfig {
        let fields = try node.mapping()
        let typeNode = try fields.required("type", hint: "one of: \(types.joined(separator: ", "))")
        let type = try typeNode.oneOf(types)
        try fields.rejectUnknownKeys(["type", "name", "weight"] + (keysByType[type] ?? []))
        var params: [String: JSONValue] = [:]
        for (key, value) in fields.members where !["type", "name", "weight"].contains(key) { params[key] = try value.json() }
        let config = ScorerConfig(
            type: type, name: try fields.optional("name")?.nonEmptyString(), weight: try fields.optional("weight")?.double(in: 0...1000) ?? 1, params: params)
        do {
            _ = try make(config)
        } catch let error as ScorerError {
            throw node.error(error.problem)
        }
        if type == "label", config.labels.count < 2 {
            throw node.error("a label scorer needs at least two labels", hint: "labels: [positive, negative]")
        }
        if type == "label" { try checkDistinct(config.labels, at: node) }
        return config
    }

    /// Labels the label scorer could not tell apart (it compares lower-cased, without
    /// punctuation) are an error, not a coin toss.
    static func checkDistinct(_ labels: [String], at node: ConfigNode) throws {
        var seen: [String: String] = [:]
        for label in labels {
            let normal = TextNormal.normalise(label)
            guard !normal.isEmpty else {
                throw node.error("the label \"\(label)\" has no letters or digits", hint: "the label scorer ignores case and punctuation, so it could never find this label")
            }
            if let first = seen[normal] {
                throw node.error("the labels \"\(first)\" and \"\(label)\" are the same once case and punctuation are ignored", hint: "keep one of them")
            }
            seen[normal] = label
        }
    }

    /// The scorer for a config.
    ///
    /// - Parameter environment: the judge client, journal and working directory for the
    ///   `judge` and `command` types; the text scorers ignore it.
    public static func make(_ config: ScorerConfig, environment: ScorerEnvironment = ScorerEnvironment()) throws -> any Scorer {
        let p = config.params
        let negate = p["negate"]?.boolValue ?? false
        switch config.type {
        case "label": return LabelMatchScorer(name: config.name, labels: config.labels, exclusive: p["exclusive"]?.boolValue ?? true)
        case "exact": return EqualityScorer(name: config.name, value: p["value"]?.stringValue, normalised: false)
        case "normalized": return EqualityScorer(name: config.name, value: p["value"]?.stringValue, normalised: true)
        case "contains": return ContainsScorer(name: config.name, value: p["value"]?.stringValue, caseInsensitive: false, negate: negate)
        case "icontains": return ContainsScorer(name: config.name, value: p["value"]?.stringValue, caseInsensitive: true, negate: negate)
        case "regex":
            guard let pattern = p["pattern"]?.stringValue else { throw ScorerError(scorer: config.name, problem: "a regex scorer needs pattern") }
            do { return try RegexScorer(name: config.name, pattern: pattern, negate: negate) } catch {
                throw ScorerError(scorer: config.name, problem: "invalid regular expression /\(pattern)/")
            }
        case "length": return LengthScorer(name: config.name, min: p["min"]?.doubleValue.map { Int($0) }, max: p["max"]?.doubleValue.map { Int($0) })
        case "numeric": return NumericScorer(name: config.name, tolerance: p["tolerance"]?.doubleValue ?? 0)
        case "json": return JSONScorer(name: config.name, path: p["path"]?.stringValue)
        case "judge":
            guard let rubric = p["rubric"]?.stringValue, !rubric.isEmpty else { throw ScorerError(scorer: config.name, problem: "a judge scorer needs a rubric") }
            let threshold = p["passThreshold"]?.doubleValue ?? 0.7
            guard (0...1).contains(threshold) else { throw ScorerError(scorer: config.name, problem: "passThreshold must be between 0 and 1") }
            return JudgeScorer(name: config.name, rubric: rubric, passThreshold: threshold, environment: environment)
        case "command":
            let arguments: [String]
            if let text = p["command"]?.stringValue, !text.isEmpty {
                arguments = [text]
            } else if let list = p["command"]?.arrayValue?.compactMap(\.stringValue), !list.isEmpty {
                arguments = list
            } else {
                throw ScorerError(scorer: config.name, problem: "a command scorer needs command: a shell line or a list of arguments")
            }
            let timeout = p["timeout"]?.doubleValue ?? 30
            guard timeout > 0 else { throw ScorerError(scorer: config.name, problem: "timeout must be positive (seconds)") }
            return CommandScorer(name: config.name, arguments: arguments, timeoutSeconds: timeout, environment: environment)
        default: throw ScorerError(scorer: config.name, problem: "unknown scorer type \(config.type)")
        }
    }
}

/// Weighted mean of named dimensions; passes only when every dimension that defines
/// pass/fail passes.
public struct CompositeScorer: Sendable {
    public let members: [(scorer: any Scorer, weight: Double)]

    public init(_ members: [(scorer: any Scorer, weight: Double)]) {
        self.members = members
    }

    public init(configs: [ScorerConfig], environment: ScorerEnvironment = ScorerEnvironment()) throws {
        self.members = try configs.map { (try ScorerFactory.make($0, environment: environment), $0.weight) }
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

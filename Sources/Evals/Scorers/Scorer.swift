import Foundation
import ImproveCore

/// One scorer's verdict on one output.
public struct ScoreResult: Codable, Sendable, Equatable {
    /// In [0, 1].
    public var score: Double
    /// Pass or fail, for scorers that define it (nil: a graded score only).
    public var passed: Bool?
    /// Written for a reflection model: what was expected, what came out, why it failed.
    public var feedback: String

    /// A verdict; `score` is clamped to [0, 1].
    public init(score: Double, passed: Bool?, feedback: String) {
        self.score = min(max(score, 0), 1)
        self.passed = passed
        self.feedback = feedback
    }

    static func pass(_ passed: Bool, _ feedback: String) -> ScoreResult {
        ScoreResult(score: passed ? 1 : 0, passed: passed, feedback: feedback)
    }
}

/// Scores a model output for an item.
public protocol Scorer: Sendable {
    /// The dimension name this scorer reports under.
    var name: String { get }
    func score(output: String, item: EvalItem) async throws -> ScoreResult
}

/// A scorer entry of `suite.yaml`.
public struct ScorerConfig: Codable, Sendable, Equatable {
    /// The scorer type (`ScorerKind/type`), e.g. `label`.
    public var type: String
    /// The dimension name (defaults to the type).
    public var name: String
    /// The weight in the composite score.
    public var weight: Double
    /// Type-specific parameters as written in the suite.
    public var params: [String: JSONValue]

    /// An entry; `name` defaults to `type`.
    public init(type: String, name: String? = nil, weight: Double = 1, params: [String: JSONValue] = [:]) {
        self.type = type
        self.name = name ?? type
        self.weight = weight
        self.params = params
    }

    /// The labels of a label scorer (empty for other types).
    public var labels: [String] {
        guard type == LabelScorerKind.typeName else { return [] }
        return params["labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// Errors raised while scoring (as opposed to low scores).
public struct ScorerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The scorer's name.
    public var scorer: String
    /// What went wrong.
    public var problem: String
    /// The raw text that could not be used (a judge reply, a command's output), kept for diagnosis.
    public var raw: String?

    /// An error of `scorer`.
    public init(scorer: String, problem: String, raw: String? = nil) {
        self.scorer = scorer
        self.problem = problem
        self.raw = raw
    }

    /// The error in one line, with up to 500 characters of the raw reply.
    public var description: String {
        "scorer \(scorer): \(problem)" + (raw.map { "; raw reply: \(String($0.prefix(500)))" } ?? "")
    }
}

/// Text normalisation shared by the equality and label scorers.
enum TextNormal {
    /// Lower-cased, punctuation dropped, white space folded.
    static func normalise(_ text: String) -> String {
        let kept = text.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : " " }
        return String(kept).split(separator: " ").joined(separator: " ")
    }

    static func preview(_ text: String, limit: Int = 160) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}

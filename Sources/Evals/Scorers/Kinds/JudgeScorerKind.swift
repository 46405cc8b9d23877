import Foundation
import ImproveCore

/// `type: judge` — the judge model grades the output against `rubric` (``JudgeScorer``).
public struct JudgeScorerKind: ScorerKind {
    /// Creates the kind.
    public init() {}
    /// `judge`.
    public var type: String { "judge" }
    /// `rubric` and `passThreshold`.
    public var parameterKeys: [String] { ["rubric", "passThreshold"] }
    /// The judge role is called.
    public var usesJudge: Bool { true }

    /// A ``JudgeScorer``; needs a rubric and a threshold in [0, 1] (default 0.7).
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        let p = config.params
        guard let rubric = p["rubric"]?.stringValue, !rubric.isEmpty else { throw ScorerError(scorer: config.name, problem: "a judge scorer needs a rubric") }
        let threshold = p["passThreshold"]?.doubleValue ?? 0.7
        guard (0...1).contains(threshold) else { throw ScorerError(scorer: config.name, problem: "passThreshold must be between 0 and 1") }
        return JudgeScorer(name: config.name, rubric: rubric, passThreshold: threshold, environment: environment)
    }
}

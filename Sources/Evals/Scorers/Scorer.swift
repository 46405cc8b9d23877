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
///
/// A new scorer type is a `Scorer` plus a ``ScorerKind`` that builds it from its `suite.yaml`
/// entry, listed in ``ScorerRegistry/builtIn`` (see the Extending article of the `Improve`
/// documentation). The contract of ``score(output:item:)`` is what the evaluator and the gate
/// rely on.
public protocol Scorer: Sendable {
    /// The dimension name this scorer reports under.
    var name: String { get }

    /// Scores `output`, the task model's answer to `item`.
    ///
    /// - **Low score or throw.** A wrong, poor or unreadable *answer* is a result: return a low
    ///   score (and `passed: false` where pass/fail applies) with feedback naming what was
    ///   expected, what came out and why it falls short — the reflection model learns from that
    ///   text. Throw (a ``ScorerError`` with the raw text that could not be used) only when the
    ///   scorer could not reach a verdict at all: its judge or command failed, timed out or
    ///   replied in a form it cannot read, or its configuration is unusable. A silent 0 for a
    ///   broken scorer would look like a bad candidate and mislead both the search and the gate.
    /// - **What the caller does with a throw.** ``SuiteEvaluator`` records the item as failed:
    ///   score 0, `ItemResult.error` set, counted apart from low scores, and the other items
    ///   go on. In the search that item scores 0 for that candidate; on the holdout any failed
    ///   item leaves the paired comparison incomplete, so the gate's `coverage` check fails and
    ///   the run holds rather than ships on part of the evidence (a persona trial's failure
    ///   instead removes that trial from every arm, see `ExcludedTrials`). Nothing retries a
    ///   scorer within the run. Let `CancellationError` propagate untouched.
    /// - **Determinism.** The same output and item must give the same result: a resumed run
    ///   scores again the answers it replays from the journal, and its search must take the
    ///   same path as the run it resumes. A scorer has no random source; anything outside the
    ///   process (a judge model, a command) goes through its ``ScorerEnvironment``, whose
    ///   journal stores the verdict once (a `.scorer` step) and replays it — see ``JudgeScorer``
    ///   and ``CommandScorer``. Never read the clock or a random generator into a score.
    /// - **Concurrency.** Called concurrently, for different items, on one shared instance
    ///   (up to the policy's `search.concurrency` rollouts at once): keep no mutable state.
    /// - **Replay.** A journaled verdict is called for again after a crash only when its step
    ///   had not completed; a throw inside the journaled body is recorded as a failed step and
    ///   retried when the run is resumed, never stored as a verdict.
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

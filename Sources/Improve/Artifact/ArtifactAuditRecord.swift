import Generators
import ImproveCore

/// The audit record of an autoresearch run on an artifact: every experiment with its metric,
/// the noise rule that decided what was kept, the diff, and the models served.
///
/// Sealed like ``AuditRecord`` (digest over canonical JSON, HMAC when a key is set) and checked
/// by the same `improve-cli audit verify`, which recomputes the noise threshold and the verdict
/// from the recorded metrics. `kind` tells the two records apart.
public struct ArtifactAuditRecord: SealableRecord {
    public static let kindName = "artifact"
    public static let currentFormat = 1

    public var kind: String
    public var format: Int
    public var runID: String
    public var toolVersion: String
    public var profileName: String
    /// The artifact file, relative to its profile directory.
    public var file: String
    public var command: String
    public var direction: ArtifactSpec.Direction
    public var minDelta: Double
    /// Content hashes of the original file and the best content (equal when nothing was kept).
    public var originalHash: String
    public var winnerHash: String
    /// Unified diff from the original to the best content ("" when nothing was kept).
    public var diff: String
    /// Every attempt in order, baseline runs (number 0) first: the rows of the attempts TSV.
    public var attempts: [Attempt]
    public var baselineMetric: Double
    public var noise: Double
    public var threshold: Double
    public var bestMetric: Double
    /// The git branch and commits of kept changes, when the artifact is in a repository.
    public var branch: String?
    public var commits: [String]
    /// Where model-free proposals came from (`declared (tpe)`, `inferred`), nil when every
    /// proposal was the model's; each attempt's `Attempt.source` says which made it.
    public var space: String?
    public var modelsServed: [String]
    public var usage: Usage
    public var usedStubOrReplay: Bool
    public var verdict: GateDecision
    public var reasons: [String]
    public var integrity: AuditIntegrity?

    public init(
        runID: String, profileName: String, spec: ArtifactSpec, originalHash: String, winnerHash: String, result: AutoresearchResult,
        modelsServed: [String], usage: Usage, usedStubOrReplay: Bool
    ) {
        self.kind = Self.kindName
        self.format = Self.currentFormat
        self.runID = runID
        self.toolVersion = ImproveVersion.current
        self.profileName = profileName
        self.file = spec.file
        self.command = spec.command
        self.direction = spec.direction
        self.minDelta = spec.minDelta
        self.originalHash = originalHash
        self.winnerHash = winnerHash
        self.diff = result.keptDiff
        self.attempts = result.attempts
        self.baselineMetric = result.baselineMetric
        self.noise = result.noise
        self.threshold = result.threshold
        self.bestMetric = result.bestMetric
        self.branch = result.branch
        self.commits = result.commits
        self.space = result.space
        self.modelsServed = modelsServed
        self.usage = usage
        self.usedStubOrReplay = usedStubOrReplay
        let decision = ArtifactDecision.decide(attempts: result.attempts, direction: spec.direction, minDelta: spec.minDelta)
        self.verdict = decision.verdict
        self.reasons = decision.reasons
        self.integrity = nil
    }
}

/// The artifact surface's promotion rule, shared by the run and the verifier: ship when at
/// least one attempt was kept, each kept attempt having beaten the incumbent by more than
/// max(2 × baseline noise, minDelta); hold otherwise.
public enum ArtifactDecision {
    public struct Decision: Equatable, Sendable {
        public var verdict: GateDecision
        public var reasons: [String]
        public var baselineMetric: Double
        public var threshold: Double
        public var bestMetric: Double
    }

    public static func decide(attempts: [Attempt], direction: ArtifactSpec.Direction, minDelta: Double) -> Decision {
        let baseline = attempts.filter { $0.number == 0 }.compactMap(\.metric)
        let mean = baseline.isEmpty ? 0 : baseline.reduce(0, +) / Double(baseline.count)
        let noise = AutoresearchRunner.sampleStandardDeviation(baseline)
        let threshold = max(2 * noise, minDelta)
        var best = mean
        var kept = 0
        var broken: [String] = []
        for attempt in attempts where attempt.number > 0 && attempt.status == .keep {
            guard let metric = attempt.metric, direction.improves(metric, on: best, by: threshold) else {
                broken.append("attempt \(attempt.number) is marked kept but does not beat \(best) by more than \(threshold)")
                continue
            }
            best = metric
            kept += 1
        }
        if !broken.isEmpty {
            return Decision(verdict: .hold, reasons: broken, baselineMetric: mean, threshold: threshold, bestMetric: best)
        }
        guard kept > 0 else {
            return Decision(
                verdict: .hold, reasons: ["no attempt beat the baseline \(mean) by more than \(threshold) (2 × noise \(noise), minDelta \(minDelta))"],
                baselineMetric: mean, threshold: threshold, bestMetric: best)
        }
        return Decision(
            verdict: .ship,
            reasons: ["\(kept) kept change\(kept == 1 ? "" : "s") took the metric from \(mean) to \(best), each beating the incumbent by more than \(threshold)"],
            baselineMetric: mean, threshold: threshold, bestMetric: best)
    }
}

import Foundation
import ImproveCore

/// The result of `improve-cli eval`: every item's result plus summary statistics.
///
/// `items` is the contract with `improve-cli gate`, which reads it back as `[ItemResult]`.
public struct EvalReport: Codable, Sendable {
    /// One entry per item (and per persona trial, ids `<persona>#<trial>`), in suite order.
    public var items: [ItemResult]
    public var profileName: String
    public var profileHash: String
    public var suiteName: String
    public var suiteHash: String
    /// `search`, `holdout` or `all`.
    public var split: String
    public var model: String
    /// Mean score over items that were scored (infrastructure errors excluded), bootstrap 95% interval.
    public var overall: Estimate?
    /// Pass rate over scored items that define pass/fail, Wilson 95% interval.
    public var passRate: Estimate?
    /// Per scorer dimension, bootstrap 95% interval of the mean.
    public var dimensions: [String: Estimate]
    /// The lowest-scoring items, with their feedback.
    public var worst: [WorstItem]
    public var personas: [PersonaSummary]
    public var usage: Usage
    public var wallTimeSeconds: Double
    /// Items whose rollout or scoring failed (network, provider, judge, simulator): not low scores.
    public var infraErrors: Int

    /// One low-scoring item as shown in reports.
    public struct WorstItem: Codable, Sendable, Equatable {
        public var itemID: String
        public var score: Double
        public var feedback: String
        public var output: String?
    }

    /// Builds the summary from results; `seed` fixes the bootstrap.
    /// - Throws: when the suite cannot be hashed (see ``Suite/contentHash()``).
    public init(
        items: [ItemResult], profile: AgentProfile, suite: Suite, split: String, personas: [PersonaSummary] = [],
        wallTimeSeconds: Double, seed: UInt64 = 1, worstCount: Int = 5
    ) throws {
        self.items = items
        self.profileName = profile.name
        self.profileHash = profile.contentHash
        self.suiteName = suite.name
        self.suiteHash = try suite.contentHash()
        self.split = split
        self.model = profile.model.qualifiedName
        let scored = items.filter { !$0.isExcluded }
        self.overall = Intervals.bootstrapMean(scored.map(\.score), seed: seed)
        let verdicts = scored.compactMap(\.passed)
        self.passRate = Intervals.wilson(successes: verdicts.filter { $0 }.count, n: verdicts.count)
        var dimensions: [String: Estimate] = [:]
        for name in Set(scored.flatMap(\.dimensions.keys)).sorted() {
            dimensions[name] = Intervals.bootstrapMean(scored.compactMap { $0.dimensions[name] }, seed: seed)
        }
        self.dimensions = dimensions
        self.worst = scored.enumerated()
            .sorted { ($0.element.score, $0.offset) < ($1.element.score, $1.offset) }
            .prefix(worstCount)
            .filter { $0.element.score < 1 }
            .map { WorstItem(itemID: $0.element.itemID, score: $0.element.score, feedback: $0.element.feedback, output: $0.element.trace?.output) }
        self.personas = personas
        self.usage = items.reduce(Usage.zero) { $0 + ($1.trace?.usage ?? .zero) }
        self.wallTimeSeconds = wallTimeSeconds
        self.infraErrors = items.count - scored.count
    }
}

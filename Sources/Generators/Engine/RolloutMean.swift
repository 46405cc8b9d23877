import ImproveCore

/// Evaluates a profile `rollouts` times per item and folds the runs into one result per item
/// whose score is the MEAN of the runs.
///
/// Never the best run: with a noisy model (temperature > 0) or a stochastic scorer (a judge),
/// taking the maximum would reward candidates for luck and inflate every validation mean,
/// while the holdout gate pairs plain single runs. The mean is an unbiased estimate of what
/// the candidate scores on that item, and the gate then pairs item means. Each run is a
/// separate call to the evaluator, so a journaling evaluator records every rollout as its
/// own step (identical requests get their own occurrence number) and a resumed run replays
/// them in order.
struct RolloutMean: Sendable {
    let evaluator: any ProfileEvaluator
    let rollouts: Int

    /// Folded results and what every run of them cost.
    struct Scored: Sendable {
        /// One result per item, in the order asked for.
        let results: [ItemResult]
        /// Metric calls all runs spent (the evaluator's own count per result, summed).
        let metricCalls: Int
    }

    /// Results in the order of `items`, one per item.
    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> Scored {
        var runs: [[ItemResult]] = []
        var spent = 0
        for _ in 0..<max(1, rollouts) {
            let results = try await evaluator.evaluate(profile, on: items)
            guard results.map(\.itemID) == items.map(\.id) else {
                throw SearchError.evaluatorMismatch(expected: items.map(\.id), got: results.map(\.itemID))
            }
            spent += results.reduce(0) { $0 + evaluator.metricCalls(spentOn: $1) }
            runs.append(results)
        }
        return Scored(results: Self.combine(runs), metricCalls: spent)
    }

    /// Folds the runs item by item (every run lists the same items in the same order).
    static func combine(_ runs: [[ItemResult]]) -> [ItemResult] {
        guard let first = runs.first else { return [] }
        guard runs.count > 1 else { return first }
        return first.indices.map { index in
            let samples = runs.map { $0[index] }
            return mean(of: samples)
        }
    }

    /// The mean of one item's runs. `passed` holds only when every run passed; feedback and
    /// trace come from the worst run (what reflection should learn from), with the spread
    /// stated; usage is the sum (every run was paid for); an error is kept only when every
    /// run failed for infrastructure reasons.
    static func mean(of samples: [ItemResult]) -> ItemResult {
        let count = Double(samples.count)
        let scores = samples.map(\.score)
        let worst = samples.min { $0.score < $1.score } ?? samples[0]
        var dimensions: [String: Double] = [:]
        for name in Set(samples.flatMap(\.dimensions.keys)) {
            dimensions[name] = samples.map { $0.dimensions[name] ?? 0 }.reduce(0, +) / count
        }
        let passes = samples.compactMap(\.passed)
        let passed: Bool? = passes.isEmpty ? nil : passes.allSatisfy { $0 }
        var trace = worst.trace
        trace?.usage = samples.reduce(Usage.zero) { $0 + ($1.trace?.usage ?? .zero) }
        let listed = scores.map { String(Double(($0 * 1000).rounded()) / 1000) }.joined(separator: ", ")
        let feedback = "Mean of \(samples.count) rollouts (scores \(listed)); the lowest-scoring one: \(worst.feedback)"
        let failed = samples.allSatisfy(\.isExcluded)
        return ItemResult(
            itemID: worst.itemID, score: scores.reduce(0, +) / count, passed: passed, feedback: feedback,
            dimensions: dimensions, trace: trace, error: failed ? worst.error : nil, failure: failed ? worst.failure : nil)
    }
}

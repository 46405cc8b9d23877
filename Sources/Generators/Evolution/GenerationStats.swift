import Foundation
import ImproveCore

/// One row of the per-generation table: how the population scored and what it cost.
public struct GenerationStats: Sendable, Codable, Equatable {
    /// 0 for the seed.
    public var generation: Int
    /// Candidate ids of the population (elites first, then this generation's children).
    public var members: [String]
    /// Ids carried over unchanged from the previous generation.
    public var elites: [String]
    /// Search means of the population: best, mean, worst, and the population standard deviation.
    public var best: Double
    /// Mean of the members' search means.
    public var mean: Double
    /// Lowest search mean of a member.
    public var worst: Double
    /// Population standard deviation of the members' search means.
    public var spread: Double
    /// Mean task-model tokens per item over the population.
    public var tokensPerItem: Double
    /// Tokens spent in this generation: the author's calls and the new candidates' rollouts.
    public var authorTokens: Int
    /// Tokens of the rollouts of this generation's new candidates.
    public var evaluationTokens: Int
    /// Dollars spent in this generation (author and rollouts).
    public var cost: Double
    /// Metric calls spent by the end of this generation (cumulative).
    public var metricCalls: Int
    /// The cost-aware champion over every candidate scored so far.
    public var championID: String
    /// The champion's search mean.
    public var championScore: Double

    /// The CSV header, in column order.
    public static let csvHeader = "generation,size,best,mean,worst,spread,tokens_per_item,author_tokens,evaluation_tokens,cost,metric_calls,champion,champion_score"

    /// This row as CSV (ids shortened to 12 characters, like everywhere people read them).
    public var csvRow: String {
        let f = { (value: Double) in String(format: "%.4f", value) }
        return [
            String(generation), String(members.count), f(best), f(mean), f(worst), f(spread), String(format: "%.1f", tokensPerItem),
            String(authorTokens), String(evaluationTokens), String(format: "%.6f", cost), String(metricCalls), String(championID.prefix(12)), f(championScore),
        ].joined(separator: ",")
    }
}

extension GenerationStats {
    /// The row of a population, given what the generation spent.
    init(generation: Int, population: [ScoredCandidate], elites: [String], author: Usage, evaluation: Usage, metricCalls: Int, champion: ScoredCandidate) {
        let means = population.map(\.meanScore)
        let mean = means.isEmpty ? 0 : means.reduce(0, +) / Double(means.count)
        let variance = means.isEmpty ? 0 : means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(means.count)
        let tokens = population.map { CandidateCost(results: Array($0.results.values)).tokensPerItem }
        self.init(
            generation: generation, members: population.map(\.id), elites: elites, best: means.max() ?? 0, mean: mean, worst: means.min() ?? 0,
            spread: variance.squareRoot(), tokensPerItem: tokens.isEmpty ? 0 : tokens.reduce(0, +) / Double(tokens.count),
            authorTokens: author.totalTokens, evaluationTokens: evaluation.totalTokens, cost: author.cost + evaluation.cost,
            metricCalls: metricCalls, championID: champion.id, championScore: champion.meanScore)
    }
}

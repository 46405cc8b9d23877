import Generators
import ImproveCore

/// What an `evolve` run adds to its ``ImproveOutcome``: the per-generation table, the champion,
/// and where the research tables were written.
public struct EvolutionSummary: Codable, Sendable, Equatable {
    /// The settings the run used, overrides applied.
    public var settings: EvolutionSettings
    /// One row per generation, generation 0 first.
    public var generations: [GenerationStats]
    /// Attempts in the lineage (the seed included) and how many reached the search split.
    public var attempts: Int
    /// Candidates scored on the search split.
    public var scored: Int
    /// Calls the author answered.
    public var authorCalls: Int
    /// The cost-aware champion (the gate's finalist unless it is the seed).
    public var championID: String
    /// Its search mean.
    public var championSearchScore: Double
    /// Its task-model cost per search item.
    public var championCost: CandidateCost
    /// The holdout items the gate saw, drawn after the last author call.
    public var holdoutItems: [String]
    /// `generations.csv`, `generations.json` and `lineage.json` beside the report.
    public var tables: [String: String]
}

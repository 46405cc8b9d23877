import Generators
import ImproveCore

/// What an `evolve` run adds to its ``ImproveOutcome``: the per-generation table, the champion,
/// and where the research tables were written.
public struct EvolutionSummary: Codable, Sendable, Equatable {
    public var settings: EvolutionSettings
    public var generations: [GenerationStats]
    /// Attempts in the lineage (the seed included) and how many reached the search split.
    public var attempts: Int
    public var scored: Int
    public var authorCalls: Int
    public var championID: String
    public var championSearchScore: Double
    public var championCost: CandidateCost
    /// The holdout items the gate saw, drawn after the last author call.
    public var holdoutItems: [String]
    /// `generations.csv`, `generations.json` and `lineage.json` beside the report.
    public var tables: [String: String]
}

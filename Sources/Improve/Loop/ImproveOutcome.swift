import Foundation
import Generators
import ImproveCore

/// What one `improve` call produced.
public struct ImproveOutcome: Codable, Sendable {
    public var runID: String
    /// True when an existing run with the same dedupe key was joined.
    public var joinedExistingRun: Bool
    public var verdict: GateDecision
    public var reasons: [String]
    public var baselineSearchMean: Double
    public var winnerSearchMean: Double
    public var baselineHoldoutMean: Double?
    public var winnerHoldoutMean: Double?
    public var winnerID: String
    public var baselineID: String
    /// The new profile version, when shipped.
    public var writtenProfile: String?
    public var auditRecord: String
    public var report: String
    public var candidates: Int
    public var proposals: Int
    public var metricCalls: Int
    public var usage: Usage
    public var stopReason: String
    /// For an artifact run, what the search and winner "means" are: the experiment's metric in
    /// its own units (lower or higher is better, as `artifact.yaml` says). Nil for profile runs,
    /// whose means are scores in [0, 1].
    public var artifactMetric: String? = nil
    /// pass^k per persona for baseline and winner, search and holdout (nil without personas).
    public var personas: [PersonaPassRates]? = nil
    /// Holdout persona trials excluded from the gate's pairs because the simulator or the
    /// infrastructure failed (nil without holdout personas).
    public var excludedTrials: Int? = nil
    /// For an `evolve` run: the generation table, the champion and the research tables.
    public var evolution: EvolutionSummary? = nil
    /// Set when the metric-call budget paid for fewer than `BudgetFloor.wanted` proposals
    /// at the run's validation size (the same figures as the warning printed before the run).
    public var budgetFloor: BudgetFloor? = nil
}

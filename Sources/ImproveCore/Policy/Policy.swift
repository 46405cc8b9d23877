import Foundation

/// The rules a run must obey: which models may be called, what the search may spend, and
/// what the promotion gate demands. Read from `policy.yaml` in the profile directory.
public struct Policy: Codable, Sendable, Equatable {
    /// `provider/model` patterns (see ``AllowedModels``); every role is checked before a run starts.
    public var allowedModels: AllowedModels
    /// Models for roles other than the task model; absent roles fall back to the task model.
    public var roles: [String: ModelSpec]
    public var budget: Budget
    public var gate: GateSettings
    public var search: SearchSettings
    /// Settings of `evolve` (nil: the block is absent and `evolve` uses its defaults).
    public var evolution: EvolutionSettings?
    /// A spend ceiling over every run of the store in a rolling window (`spendCeiling:`);
    /// enforced by `improve-cli` before each paid call. Nil when the policy sets none.
    public var spendCeiling: SpendCeilingSetting? = nil

    public init(allowedModels: AllowedModels, roles: [String: ModelSpec] = [:], budget: Budget = Budget(metricCalls: 300), gate: GateSettings = GateSettings(), search: SearchSettings = SearchSettings(), evolution: EvolutionSettings? = nil) {
        self.allowedModels = allowedModels
        self.roles = roles
        self.budget = budget
        self.gate = gate
        self.search = search
        self.evolution = evolution
    }

    /// The model for `role` (`reflection`, `judge`, `simulator`, `author`), or the task model.
    public func model(for role: String, task: ModelSpec) -> ModelSpec {
        roles[role] ?? task
    }
}

/// What the promotion gate demands.
public struct GateSettings: Codable, Sendable, Equatable {
    /// The lower confidence bound of the holdout lift must exceed this (score units, 0.0–1.0).
    public var minLift: Double
    /// Two-sided confidence level of the interval (0.95 means alpha 0.05).
    public var confidence: Double
    /// Fewer holdout pairs than this holds the verdict.
    public var minPairs: Int
    /// Largest allowed (search lift - holdout lift) before the overfit check fails.
    public var maxOverfitGap: Double
    /// Largest allowed drop on any named scorer dimension.
    public var maxDimensionRegression: Double
    /// Largest allowed winner/baseline ratio of mean cost per item (nil: not checked).
    public var maxCostRatio: Double?
    /// Largest allowed winner/baseline ratio of mean latency per item (nil: not checked).
    public var maxLatencyRatio: Double?
    public var bootstrapResamples: Int
    /// Seed of the paired bootstrap, stored with every verdict.
    public var seed: UInt64
    /// How many of the best search candidates go to holdout (Holm-corrected when > 1).
    public var finalists: Int
    /// Largest share of holdout persona trials that may be excluded from the pairs because the
    /// simulator or the infrastructure failed; more holds the run (nil: the default, 0.2).
    public var maxExcludedFraction: Double?
    /// Settings of gate checks added by a run (`gate.checks.<name>` in policy.yaml), by check
    /// name, as written. Nil when the policy sets none, and then not encoded, so a policy
    /// without it hashes (and dedupes runs) as before it existed.
    public var checks: [String: JSONValue]?

    /// ``maxExcludedFraction`` or its default.
    public var excludedFractionLimit: Double { maxExcludedFraction ?? 0.2 }

    public init(minLift: Double = 0, confidence: Double = 0.95, minPairs: Int = 20, maxOverfitGap: Double = 0.25, maxDimensionRegression: Double = 0.05, maxCostRatio: Double? = nil, maxLatencyRatio: Double? = nil, bootstrapResamples: Int = 2000, seed: UInt64 = 20_260_101, finalists: Int = 1, maxExcludedFraction: Double? = nil) {
        self.minLift = minLift
        self.confidence = confidence
        self.minPairs = minPairs
        self.maxOverfitGap = maxOverfitGap
        self.maxDimensionRegression = maxDimensionRegression
        self.maxCostRatio = maxCostRatio
        self.maxLatencyRatio = maxLatencyRatio
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
        self.finalists = finalists
        self.maxExcludedFraction = maxExcludedFraction
    }
}

/// Knobs of the search loop shared by generators.
public struct SearchSettings: Codable, Sendable, Equatable {
    /// The run's seed: every random choice derives from it; stored with the run.
    public var seed: UInt64
    public var minibatchSize: Int
    /// Stop after this many proposals in a row that were not accepted.
    public var maxConsecutiveFailures: Int
    /// Largest allowed length of a proposed component, in characters.
    public var maxComponentLength: Int
    /// Concurrent rollouts (bounded again by the provider's own limit).
    public var concurrency: Int
    /// Runs per (candidate, item) pair; the pair's score is the mean of the runs, never the
    /// best, so a noisy model or scorer (temperature > 0, a judge) cannot win by luck. Each
    /// run is a metric call and its own journaled step. 1 (the default) scores once.
    public var rollouts: Int = 1
    /// Proposals drawn per iteration and evaluated concurrently (1: one at a time, GEPA's
    /// loop). Their outcomes are applied in draw order, so the result does not depend on
    /// which evaluation finishes first. Metric calls are reserved for every child of a batch
    /// before any starts, so the metric-call budget is never exceeded; token and cost limits
    /// are checked before each batch, so a batch may run past them by its own usage.
    public var parallelProposals: Int = 1

    public init(seed: UInt64 = 1, minibatchSize: Int = 4, maxConsecutiveFailures: Int = 12, maxComponentLength: Int = 4000, concurrency: Int = 4, rollouts: Int = 1, parallelProposals: Int = 1) {
        self.seed = seed
        self.minibatchSize = minibatchSize
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.maxComponentLength = maxComponentLength
        self.concurrency = concurrency
        self.rollouts = rollouts
        self.parallelProposals = parallelProposals
    }

    private enum CodingKeys: String, CodingKey {
        case seed, minibatchSize, maxConsecutiveFailures, maxComponentLength, concurrency, rollouts, parallelProposals
    }

    /// Policies stored before `rollouts` and `parallelProposals` existed decode with both at 1.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decode(UInt64.self, forKey: .seed)
        minibatchSize = try container.decode(Int.self, forKey: .minibatchSize)
        maxConsecutiveFailures = try container.decode(Int.self, forKey: .maxConsecutiveFailures)
        maxComponentLength = try container.decode(Int.self, forKey: .maxComponentLength)
        concurrency = try container.decode(Int.self, forKey: .concurrency)
        rollouts = try container.decodeIfPresent(Int.self, forKey: .rollouts) ?? 1
        parallelProposals = try container.decodeIfPresent(Int.self, forKey: .parallelProposals) ?? 1
    }

    /// The two newer keys are written only when set, so a policy that does not use them
    /// hashes (and dedupes runs) exactly as it did before they existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seed, forKey: .seed)
        try container.encode(minibatchSize, forKey: .minibatchSize)
        try container.encode(maxConsecutiveFailures, forKey: .maxConsecutiveFailures)
        try container.encode(maxComponentLength, forKey: .maxComponentLength)
        try container.encode(concurrency, forKey: .concurrency)
        if rollouts != 1 { try container.encode(rollouts, forKey: .rollouts) }
        if parallelProposals != 1 { try container.encode(parallelProposals, forKey: .parallelProposals) }
    }
}

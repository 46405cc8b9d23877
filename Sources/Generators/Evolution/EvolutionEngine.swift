import ImproveCore

/// Something the caller may persist or show while evolution runs.
public enum EvolutionEvent: Sendable {
    /// An attempt was settled: scored (with its results) or rejected before scoring.
    case attempt(LineageEntry, scored: ScoredCandidate?)
    /// A generation is complete.
    case generation(GenerationStats)
}

/// Population-based search over one surface: generation 0 is the profile as given; every later
/// generation keeps the `elites` best members (by ``CostAwareRanking``) and fills the rest of
/// the population with children an author writes from a parent chosen by `selection` over every
/// candidate scored so far, shown the search items that parent lost and the attempts that did not
/// help. Every child is scored on the whole search split.
///
/// The engine never receives holdout items. Every random choice derives from `seed`, and every
/// model call goes through the caller's journaled clients, so a re-execution replays the same
/// lineage at no cost and a killed run resumes where it stopped.
public struct EvolutionEngine: Sendable {
    /// Called after every attempt and generation, so the caller can persist them.
    public typealias Checkpoint = @Sendable (EvolutionEvent) async throws -> Void

    let base: AgentProfile
    let surface: any Surface
    let search: SearchSet
    let evaluator: any ProfileEvaluator
    let author: any StrategyAuthor
    let authorClient: any ModelClient
    let selection: any ParentSelection
    let settings: EvolutionSettings
    let seed: UInt64
    let budget: Budget
    let maxComponentLength: Int
    let checkpoint: Checkpoint?

    /// - Parameters:
    ///   - base: the profile; the seed candidate is `surface.components(of: base)`.
    ///   - search: the search split: the only items scored or shown to the author.
    ///   - authorClient: the author's client, already guarded and journaled.
    ///   - checkpoint: called after every attempt and generation; an error it throws ends the run.
    public init(
        base: AgentProfile, surface: any Surface, search: SearchSet, evaluator: any ProfileEvaluator, author: any StrategyAuthor,
        authorClient: any ModelClient, selection: any ParentSelection = ParetoParentSelection(), settings: EvolutionSettings,
        seed: UInt64, budget: Budget, maxComponentLength: Int = 4000, checkpoint: Checkpoint? = nil
    ) {
        self.base = base
        self.surface = surface
        self.search = search
        self.evaluator = evaluator
        self.author = author
        self.authorClient = authorClient
        self.selection = selection
        self.settings = settings
        self.seed = seed
        self.budget = budget
        self.maxComponentLength = maxComponentLength
        self.checkpoint = checkpoint
    }

    /// Runs every generation, or until the budget stops it.
    public func run() async throws -> EvolutionResult {
        guard !search.items.isEmpty else { throw SearchError.emptySearchSet }
        guard budget.isBounded else { throw SearchError.unboundedBudget }
        var loop = EvolutionLoop(engine: self)
        return try await loop.run()
    }
}

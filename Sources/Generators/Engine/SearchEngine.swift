import ImproveCore

/// Errors the search raises itself (evaluator and model errors pass through unchanged).
public enum SearchError: Error, CustomStringConvertible, Equatable, Sendable {
    case emptySearchSet
    case unboundedBudget
    case evaluatorMismatch(expected: [String], got: [String])

    public var description: String {
        switch self {
        case .emptySearchSet:
            return "the search split has no items; give the suite at least one search item"
        case .unboundedBudget:
            return "the budget sets no limit; set budget.metricCalls (or tokens, or cost) in policy.yaml"
        case .evaluatorMismatch(let expected, let got):
            return "the evaluator returned results for items \(got) but was asked for \(expected); it must return one result per item, in order"
        }
    }
}

/// The one search loop (GEPA-style): Pareto parent selection on validation scores, a
/// seeded minibatch from the feedback pool, a proposal from the generator, strict
/// minibatch acceptance, full validation of accepted children.
///
/// Every metric call is checked against the budget *before* it is made, so the run stops
/// at the budget and never past it. A (candidate, item) pair is scored at most once.
/// Every random choice derives from `settings.seed`, so a re-execution whose model calls
/// replay from the caller's journal reproduces the same proposals.
public struct SearchEngine: Sendable {
    public typealias Progress = @Sendable (SearchProgress) -> Void
    public typealias Checkpoint = @Sendable (SearchEvent) async throws -> Void

    let seed: Candidate
    let surface: any Surface
    let base: AgentProfile
    let search: SearchSet
    let evaluator: any ProfileEvaluator
    let generator: any CandidateGenerator
    let reflectionModel: any ModelClient
    let budget: Budget
    let settings: SearchSettings
    let options: SearchOptions
    let progress: Progress?
    let checkpoint: Checkpoint?

    /// - Parameters:
    ///   - base: the profile being improved; the seed candidate is `surface.components(of: base)`.
    ///   - search: the search split, the only items the evaluator will ever be given.
    ///   - evaluator: scores a profile on search items.
    ///   - generator: proposes children (use ``CompositeGenerator`` to mix several).
    ///   - reflectionModel: the client generators call, already guarded and journaled.
    ///   - checkpoint: called after the baseline, after every proposal and at the stop, so
    ///     the caller can persist events; an error it throws ends the run.
    public init(
        base: AgentProfile, surface: any Surface, search: SearchSet, evaluator: any ProfileEvaluator,
        generator: any CandidateGenerator, reflectionModel: any ModelClient, budget: Budget,
        settings: SearchSettings, options: SearchOptions = SearchOptions(),
        progress: Progress? = nil, checkpoint: Checkpoint? = nil
    ) {
        self.seed = Candidate(components: surface.components(of: base), generator: "seed", rationale: "the profile as given")
        self.surface = surface
        self.base = base
        self.search = search
        self.evaluator = evaluator
        self.generator = generator
        self.reflectionModel = reflectionModel
        self.budget = budget
        self.settings = settings
        self.options = options
        self.progress = progress
        self.checkpoint = checkpoint
    }

    public func run() async throws -> SearchResult {
        guard !search.items.isEmpty else { throw SearchError.emptySearchSet }
        guard budget.isBounded else { throw SearchError.unboundedBudget }
        var loop = SearchLoop(engine: self)
        return try await loop.run()
    }
}

import Foundation
import ImproveCore

/// One `improve-cli eval`: a profile bundle scored on one split of its suite (and its personas),
/// with every role's client guarded by the policy and journaled when a journal is given.
public struct EvalSession: Sendable {
    /// Which items to score.
    public enum SplitChoice: String, Sendable, CaseIterable {
        case search, holdout, all
    }

    /// Makes the raw client for a model (e.g. `ProviderRegistry.client(for:)`); the session wraps it.
    public typealias ClientFactory = @Sendable (ModelSpec) throws -> any ModelClient

    /// The profile directory evaluated.
    public var bundle: ProfileBundle
    /// Which split is scored.
    public var split: SplitChoice
    /// Score at most this many items (in split order) and personas.
    public var limit: Int?
    /// Overrides the suite's persona trials.
    public var trials: Int?
    /// When set, model and scorer calls are journaled steps (a rerun replays them).
    public var journal: (any StepJournal)?
    /// Called after each scored item.
    public var progress: SuiteEvaluator.Progress?
    /// The task client of a profile with an `agent:` block (its program or service, guarded and
    /// journaled); nil: the built-in agent, a chat completion made through `clients`.
    public var agent: (any ModelClient)?

    /// A session over `bundle`; `limit` caps the items, `trials` overrides the persona trials.
    public init(bundle: ProfileBundle, split: SplitChoice = .all, limit: Int? = nil, trials: Int? = nil, journal: (any StepJournal)? = nil, progress: SuiteEvaluator.Progress? = nil) {
        self.bundle = bundle
        self.split = split
        self.limit = limit
        self.trials = trials
        self.journal = journal
        self.progress = progress
    }

    /// The items this session scores.
    public var items: [EvalItem] {
        let (search, holdout) = bundle.suite.splitItems()
        return chosen(search: search, holdout: holdout, all: bundle.suite.items)
    }

    /// The setup every role, scorer and dialogue of this session is built from.
    public var setup: EvaluationSetup {
        EvaluationSetup(suite: bundle.suite, policy: bundle.policy, trials: trials, scorers: bundle.scorers)
    }

    /// The personas this session runs: split by persona id like items.
    public var personas: [PersonaCard] {
        let (search, holdout) = bundle.suite.splitPersonas()
        return chosen(search: search, holdout: holdout, all: bundle.suite.personas)
    }

    /// The side of the split this session scores, at most `limit` of it.
    private func chosen<Element>(search: [Element], holdout: [Element], all: [Element]) -> [Element] {
        let side: [Element]
        switch split {
        case .search: side = search
        case .holdout: side = holdout
        case .all: side = all
        }
        return limit.map { Array(side.prefix($0)) } ?? side
    }

    /// Every model a role of this session will call, by role; checked before any call.
    public var roleModels: [(role: ModelRole, model: ModelSpec)] {
        setup.roles(task: bundle.profile.model, scoring: items + setup.units(of: personas))
    }

    /// Every role's model must be allowed by the policy. Sends nothing and touches no file.
    /// - Throws: `ModelError.notAllowed` for the first role outside `allowedModels`.
    public func preflight() throws {
        for (role, model) in roleModels { try bundle.policy.allowedModels.check(model, role: role.rawValue) }
    }

    /// Runs the session. A model outside `allowedModels` fails here before any call is made.
    public func run(clients: ClientFactory) async throws -> EvalReport {
        try preflight()
        let roles = roleModels
        let setup = self.setup, profile = bundle.profile, personas = self.personas
        let wrapped = try setup.clients(task: profile.model, roles: roles, raw: clients, journal: journal, agent: agent)
        let evaluator = try setup.evaluator(wrapped, journal: journal, progress: progress)
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await evaluator.evaluate(profile, on: items + setup.units(of: personas))
        let summaries = PersonaEvaluator.summarise(results, personas: personas)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return try EvalReport(items: results, profile: profile, suite: bundle.suite, split: split.rawValue, personas: summaries, wallTimeSeconds: seconds, seed: bundle.suite.split.seed)
    }
}

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

    public var bundle: ProfileBundle
    public var split: SplitChoice
    /// Score at most this many items (in split order) and personas.
    public var limit: Int?
    /// Overrides the suite's persona trials.
    public var trials: Int?
    public var journal: (any StepJournal)?
    public var progress: SuiteEvaluator.Progress?

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
        let chosen: [EvalItem]
        switch split {
        case .search: chosen = search
        case .holdout: chosen = holdout
        case .all: chosen = bundle.suite.items
        }
        return limit.map { Array(chosen.prefix($0)) } ?? chosen
    }

    /// The personas this session runs.
    public var personas: [PersonaCard] {
        limit.map { Array(bundle.suite.personas.prefix($0)) } ?? bundle.suite.personas
    }

    /// Every model a role of this session will call, by role; checked before any call.
    public var roleModels: [(role: String, model: ModelSpec)] {
        let policy = bundle.policy, task = bundle.profile.model
        var roles: [(String, ModelSpec)] = [("task", task)]
        let judged = bundle.suite.scorers.contains { $0.type == "judge" } || personas.contains { $0.rubric != nil }
        if judged { roles.append(("judge", policy.model(for: "judge", task: task))) }
        if !personas.isEmpty { roles.append(("simulator", policy.model(for: "simulator", task: task))) }
        return roles
    }

    /// Runs the session. A model outside `allowedModels` fails here before any call is made.
    public func run(clients: ClientFactory) async throws -> EvalReport {
        let allowed = bundle.policy.allowedModels
        for (role, model) in roleModels { try allowed.check(model, role: role) }
        func wrapped(_ role: String, _ model: ModelSpec) throws -> any ModelClient {
            let guarded = GuardedModelClient(try clients(model), allowed: allowed, role: role)
            return journal.map { JournaledModelClient(guarded, journal: $0) } ?? guarded
        }
        let profile = bundle.profile, policy = bundle.policy
        let judgeModel = policy.model(for: "judge", task: profile.model)
        let needsJudge = roleModels.contains { $0.role == "judge" }
        let environment = ScorerEnvironment(
            judge: needsJudge ? try wrapped("judge", judgeModel) : nil, judgeModel: judgeModel, journal: journal,
            workingDirectory: bundle.suite.directory)
        let task = try wrapped("task", profile.model)
        let clock = ContinuousClock()
        let start = clock.now
        let evaluator = try SuiteEvaluator(client: task, scorers: bundle.suite.scorers, concurrency: policy.search.concurrency, progress: progress, environment: environment)
        var results = try await evaluator.evaluate(profile, on: items)
        var summaries: [PersonaSummary] = []
        if !personas.isEmpty {
            var settings = bundle.suite.simulation
            if let trials { settings.trials = trials }
            let simulatorModel = policy.model(for: "simulator", task: profile.model)
            let dialogue = PersonaDialogue(agent: task, simulator: try wrapped("simulator", simulatorModel), simulatorModel: simulatorModel, settings: settings)
            let personaResults = try await PersonaEvaluator(dialogue: dialogue, settings: settings, environment: environment, concurrency: policy.search.concurrency)
                .evaluate(profile, personas: personas)
            summaries = PersonaEvaluator.summarise(personaResults, personas: personas)
            results += personaResults
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return EvalReport(items: results, profile: profile, suite: bundle.suite, split: split.rawValue, personas: summaries, wallTimeSeconds: seconds, seed: bundle.suite.split.seed)
    }
}

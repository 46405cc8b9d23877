import Foundation
import ImproveCore

/// Everything a profile is scored with, built in one place for `improve-cli eval` and for
/// `improve()` / `run` / `resume`: which roles are called, their clients (each wrapped by
/// ``RoleClient/wrap(_:role:allowed:journal:)``: the guard outside the journal), the scorer
/// environment (judge client, journal, the suite's directory as the working directory of
/// command scorers) and the persona dialogues.
public struct EvaluationSetup: Sendable {
    /// Makes the raw client for a model (e.g. `ProviderRegistry.client(for:)`); the setup wraps it.
    public typealias ClientFactory = @Sendable (ModelSpec) throws -> any ModelClient

    /// The suite scored: items, scorers, personas, and the directory command scorers run in.
    public let suite: Suite
    /// Allowed models, role models, and the concurrency of rollouts and dialogues.
    public let policy: Policy
    /// The suite's simulation settings, with any trials override applied.
    public let simulation: SimulationSettings
    /// The scorer types that build the suite's scorers.
    public let scorers: ScorerRegistry

    /// - Parameters:
    ///   - suite: the suite scored.
    ///   - policy: allowed models, role models and concurrency.
    ///   - trials: overrides the suite's `simulation.trials`.
    ///   - scorers: the scorer types the suite was read with.
    public init(suite: Suite, policy: Policy, trials: Int? = nil, scorers: ScorerRegistry = .builtIn) {
        self.suite = suite
        self.policy = policy
        self.scorers = scorers
        var simulation = suite.simulation
        if let trials { simulation.trials = max(1, trials) }
        self.simulation = simulation
    }

    /// The trials of `personas` as scored units (ids `<persona>#<trial>`).
    public func units(of personas: [PersonaCard]) -> [EvalItem] {
        PersonaUnit.items(personas, trials: simulation.trials)
    }

    /// Search and holdout: the suite's items split by id, then the trials of its personas,
    /// split by persona id with the same rule (so every trial of a persona is on one side).
    public func split() -> (search: [EvalItem], holdout: [EvalItem]) {
        let items = suite.splitItems()
        let personas = suite.splitPersonas()
        return (items.search + units(of: personas.search), items.holdout + units(of: personas.holdout))
    }

    /// The most metric calls scoring `item` can cost: `maxTurns` for a persona trial, else 1.
    public func metricCost(of item: EvalItem) -> Int {
        PersonaUnit.isUnit(item) ? simulation.maxTurns : 1
    }

    /// Every role that scoring `items` calls, with its model: `task` always, `judge` when a
    /// scorer that calls the judge (``ScorerKind/usesJudge``) grades items or a persona has a rubric, `simulator` when there are personas.
    public func roles(task: ModelSpec, scoring items: [EvalItem]) -> [(role: ModelRole, model: ModelSpec)] {
        let personaIDs = Set(items.compactMap { PersonaUnit.reference($0)?.personaID })
        let hasItems = items.contains { !PersonaUnit.isUnit($0) }
        let judgedItems = hasItems && scorers.usesJudge(suite.scorers)
        let judgedPersonas = suite.personas.contains { personaIDs.contains($0.id) && $0.rubric != nil }
        var roles: [(role: ModelRole, model: ModelSpec)] = [(.task, task)]
        if judgedItems || judgedPersonas { roles.append((.judge, policy.model(for: .judge, task: task))) }
        if !personaIDs.isEmpty { roles.append((.simulator, policy.model(for: .simulator, task: task))) }
        return roles
    }

    /// The wrapped clients of `roles` (from ``roles(task:scoring:)``); the task client always.
    /// - Parameter agent: the task client of a profile's agent program or service (already
    ///   guarded and journaled), used instead of a chat completion of `task`.
    public func clients(task: ModelSpec, roles: [(role: ModelRole, model: ModelSpec)], raw: ClientFactory, journal: (any StepJournal)?, agent: (any ModelClient)? = nil) throws -> EvaluationClients {
        func wrap(_ role: ModelRole, _ model: ModelSpec) throws -> any ModelClient {
            RoleClient.wrap(try raw(model), role: role.rawValue, allowed: policy.allowedModels, journal: journal)
        }
        let model = { (role: ModelRole) in roles.first { $0.role == role }?.model }
        return EvaluationClients(
            task: try agent ?? wrap(.task, task), taskModel: task,
            judge: try model(.judge).map { try wrap(.judge, $0) }, simulator: try model(.simulator).map { try wrap(.simulator, $0) })
    }

    /// The evaluator of items and persona trials, with `clients` already wrapped.
    public func evaluator(_ clients: EvaluationClients, journal: (any StepJournal)?, progress: SuiteEvaluator.Progress? = nil) throws -> SuiteEvaluator {
        let task = clients.taskModel
        let environment = ScorerEnvironment(
            judge: clients.judge, judgeModel: policy.model(for: .judge, task: task), journal: journal, workingDirectory: suite.directory)
        let concurrency = policy.search.concurrency
        var personas: PersonaTrials?
        if let simulator = clients.simulator, !suite.personas.isEmpty {
            let dialogue = PersonaDialogue(agent: clients.task, simulator: simulator, simulatorModel: policy.model(for: .simulator, task: task), settings: simulation)
            let evaluator = PersonaEvaluator(dialogue: dialogue, settings: simulation, environment: environment, concurrency: concurrency)
            personas = PersonaTrials(evaluator: evaluator, personas: suite.personas)
        }
        return try SuiteEvaluator(client: clients.task, scorers: suite.scorers, concurrency: concurrency, progress: progress, environment: environment, personas: personas, registry: scorers)
    }
}

/// The guarded, journaled clients of one evaluation, by role.
public struct EvaluationClients: Sendable {
    /// The agent: single-turn items and every dialogue turn.
    public var task: any ModelClient
    /// The task model, which roles without a model of their own fall back to.
    public var taskModel: ModelSpec
    /// Grades `judge` scorers and persona rubrics (nil when nothing is judged).
    public var judge: (any ModelClient)?
    /// Plays the personas (nil without personas).
    public var simulator: (any ModelClient)?

    /// Clients already wrapped by ``RoleClient/wrap(_:role:allowed:journal:)``.
    public init(task: any ModelClient, taskModel: ModelSpec, judge: (any ModelClient)? = nil, simulator: (any ModelClient)? = nil) {
        self.task = task
        self.taskModel = taskModel
        self.judge = judge
        self.simulator = simulator
    }
}

import Generators
import ImproveCore

/// Preflight of `evolve`: the surface holds text, every role (task, author, judge, simulator)
/// is allowed, the settings are consistent, the budget bounds the run, the splits are usable.
/// Touches no file and sends nothing, so a breach leaves no trace.
public struct EvolvePlan: Sendable {
    /// The name runs of `evolve` carry as their generator in the store.
    public static let generatorName = "evolve"

    /// The inputs the plan was made from.
    public let inputs: ImproveInputs
    /// The options the plan was made with.
    public private(set) var options: EvolveOptions
    /// The surface evolved.
    public let surface: any Surface
    /// The policy's settings with the overrides applied.
    public let settings: EvolutionSettings
    /// The author role's model, at `authorTemperature`.
    public let authorModel: ModelSpec
    /// The budget of the search split.
    public let budget: Budget
    /// The run's seed: every random choice derives from it.
    public let seed: UInt64
    /// Every role the run will call, with its model.
    public let roles: [(role: ModelRole, model: ModelSpec)]
    /// Things worth knowing before money is spent (an underpowered holdout slice).
    public let warnings: [String]

    /// - Throws: ``PolicyViolation``, ``PreflightError`` or `SurfaceError`; a `ConfigError`
    ///   when `gate.checks` in the policy names a check or key the run's checks do not read.
    public init(_ inputs: ImproveInputs, options: EvolveOptions) throws {
        let kind = options.run.surface
        guard kind != .artifact else { throw SurfaceError.generatorDoesNotFit(generator: Self.generatorName, surface: kind) }
        let policy = inputs.policy
        let settings = options.settings(from: policy)
        if let problem = settings.problem { throw PreflightError(problem: "\(inputs.policyFile): evolution \(problem.text); \(problem.hint)") }
        var author = policy.model(for: .author, task: inputs.profile.model)
        author.temperature = settings.authorTemperature
        let roles: [(role: ModelRole, model: ModelSpec)] = [(.task, inputs.profile.model), (.author, author)] + inputs.evaluationRoles
        let budget = options.run.budget ?? policy.budget
        try Preflight.checkAgentRuntime(inputs.profile, runtime: options.run.agents)
        let slice = settings.holdoutSize ?? inputs.holdout.count
        self.warnings = try Preflight.check(inputs, roles: roles, budget: budget, gateChecks: options.run.gateChecks, holdoutPairs: slice)
        if let size = settings.holdoutSize, size > inputs.holdout.count {
            throw PreflightError(problem: "evolution.holdoutSize \(size) is larger than the holdout split (\(inputs.holdout.count) items); lower it or leave it out to use the whole split")
        }
        if kind == .skills, inputs.profile.skills.isEmpty {
            throw SurfaceError.invalidComponent(component: "skills", reason: "profile \(inputs.profile.name) has no skills to evolve")
        }
        self.inputs = inputs
        self.options = options
        self.surface = GeneratorCatalog.surface(kind)
        self.settings = settings
        self.authorModel = author
        self.budget = budget
        self.seed = options.run.seed ?? policy.search.seed
        self.roles = roles
    }

    /// The same plan run by `workerID` behind `spendGate` (see ``ImprovePlan/executing(workerID:spendGate:)``).
    public func executing(workerID: String, spendGate: SpendGate?) -> EvolvePlan {
        var plan = self
        plan.options.run.workerID = workerID
        plan.options.run.spendGate = spendGate
        return plan
    }
}

import Generators
import ImproveCore

/// The outcome of preflight: a run that may start, with everything resolved.
///
/// Building a plan touches no file and sends nothing, so callers (the CLI) can build it
/// before they even open the store: a policy breach then leaves no trace at all.
public struct ImprovePlan: Sendable {
    /// The generator's name (given, or the surface's default).
    public let generatorName: String
    /// The generator, built by the run's `GeneratorRegistry`.
    public let generator: any CandidateGenerator
    /// Reads and writes the surface's components.
    public let surface: any Surface
    /// The budget in force (the options' override, else the policy's).
    public let budget: Budget
    /// The search settings, with any seed override applied.
    public let settings: SearchSettings
    /// The reflection role's model.
    public let reflectionModel: ModelSpec
    /// Every role the run will call, with its model.
    public let roles: [(role: String, model: ModelSpec)]
    /// Things worth knowing before money is spent (for example an underpowered holdout).
    public let warnings: [String]
    /// The budget-floor check, when the budget pays for too few proposals. Reported as a
    /// warning when the run starts, but kept out of ``warnings`` so `--strict` (which
    /// refuses on input problems) does not refuse a deliberately small budget.
    public let budgetFloor: BudgetFloor?

    /// Runs preflight: the allowed-models guard over every role, the budget, the splits.
    /// - Throws: ``PolicyViolation``, ``PreflightError`` or ``SurfaceError``; a `ConfigError`
    ///   when `gate.checks` in the policy names a check or key the run's checks do not read.
    public init(_ inputs: ImproveInputs, options: ImproveOptions) throws {
        let policy = inputs.policy
        let generators = options.generators
        let generatorName = try options.generator ?? generators.defaultName(for: options.surface)
        let reflectionModel = policy.model(for: .reflection, task: inputs.profile.model)
        var roles: [(role: String, model: ModelSpec)] = [(ModelRole.task.rawValue, inputs.profile.model)]
        if generators.usesReflection(generatorName) { roles.append((ModelRole.reflection.rawValue, reflectionModel)) }
        roles += inputs.evaluationRoles
        try Preflight.checkModels(roles, policy: policy, policyFile: inputs.policyFile)
        try options.gateChecks.validate(policy.gate, policyFile: inputs.policyFile)
        self.generator = try generators.make(GeneratorRequest(name: generatorName, surface: options.surface, reflectionModel: reflectionModel, profile: inputs.profile))
        self.surface = GeneratorCatalog.surface(options.surface)
        let budget = options.budget ?? policy.budget
        try Preflight.checkBudgetAndSplits(budget: budget, search: inputs.search, holdout: inputs.holdout, searchCost: inputs.search.reduce(0) { $0 + inputs.metricCost($1) })
        var settings = policy.search
        if let seed = options.seed { settings.seed = seed }
        self.generatorName = generatorName
        self.reflectionModel = reflectionModel
        self.roles = roles
        self.budget = budget
        self.settings = settings
        let floor = BudgetFloor(budget: budget, search: SearchSet(items: inputs.search), settings: settings).flatMap { $0.isTooLow ? $0 : nil }
        self.budgetFloor = floor
        self.warnings = PromotionGate.preflight(holdoutPairs: inputs.holdout.count, settings: policy.gate).warnings
    }
}

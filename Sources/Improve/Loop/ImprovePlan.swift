import Generators
import ImproveCore

/// The outcome of preflight: a run that may start, with everything resolved.
///
/// Building a plan touches no file and sends nothing, so callers (the CLI) can build it
/// before they even open the store: a policy breach then leaves no trace at all. A plan is
/// built once and run with ``improve(_:store:models:progress:)``: preflight does not run twice.
public struct ImprovePlan: Sendable {
    /// The inputs the plan was made from.
    public let inputs: ImproveInputs
    /// The options the plan was made with, surface and generator included.
    public private(set) var options: ImproveOptions
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
    public let roles: [(role: ModelRole, model: ModelSpec)]
    /// Things worth knowing before money is spent (for example an underpowered holdout).
    public let warnings: [String]
    /// The budget-floor check, when the budget pays for too few proposals. Reported as a
    /// warning when the run starts, but kept out of ``warnings`` so `--strict` (which
    /// refuses on input problems) does not refuse a deliberately small budget.
    public let budgetFloor: BudgetFloor?

    /// Runs preflight: the allowed-models guard over every role, the budget, the splits.
    /// - Throws: ``PolicyViolation``, ``PreflightError`` or `SurfaceError`; a `ConfigError`
    ///   when `gate.checks` in the policy names a check or key the run's checks do not read.
    public init(_ inputs: ImproveInputs, options: ImproveOptions) throws {
        let policy = inputs.policy
        let generators = options.generators
        let generatorName = try options.generator ?? generators.defaultName(for: options.surface)
        let reflectionModel = policy.model(for: .reflection, task: inputs.profile.model)
        var roles: [(role: ModelRole, model: ModelSpec)] = [(.task, inputs.profile.model)]
        if generators.usesReflection(generatorName) { roles.append((.reflection, reflectionModel)) }
        roles += inputs.evaluationRoles
        let budget = options.budget ?? policy.budget
        try Preflight.checkAgentRuntime(inputs.profile, runtime: options.agents)
        self.warnings = try Preflight.check(inputs, roles: roles, budget: budget, gateChecks: options.gateChecks, holdoutPairs: inputs.holdout.count)
        self.generator = try generators.make(GeneratorRequest(name: generatorName, surface: options.surface, reflectionModel: reflectionModel, profile: inputs.profile))
        self.surface = GeneratorCatalog.surface(options.surface)
        var settings = policy.search
        if let seed = options.seed { settings.seed = seed }
        self.inputs = inputs
        self.options = options
        self.generatorName = generatorName
        self.reflectionModel = reflectionModel
        self.roles = roles
        self.budget = budget
        self.settings = settings
        self.budgetFloor = BudgetFloor(budget: budget, search: SearchSet(items: inputs.search), settings: settings).flatMap { $0.isTooLow ? $0 : nil }
    }

    /// What starting the profile's agent needs (used only when it has an `agent:` block).
    var agentInputs: AgentInputs {
        AgentInputs(
            profile: inputs.profile, directory: inputs.profileFile.deletingLastPathComponent(), runtime: options.agents,
            concurrency: inputs.policy.search.concurrency, seed: settings.seed)
    }

    /// The same plan run by `workerID` behind `spendGate`: how the run is executed, which
    /// preflight does not depend on and a caller may know only after it (a lock holder's id).
    public func executing(workerID: String, spendGate: SpendGate?) -> ImprovePlan {
        var plan = self
        plan.options.workerID = workerID
        plan.options.spendGate = spendGate
        return plan
    }
}

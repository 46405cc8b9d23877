import ImproveCore

/// A run that would call a model the policy does not allow. Raised before anything is
/// written: no store file, no run row, no network traffic.
public struct PolicyViolation: Error, CustomStringConvertible, Equatable, Sendable {
    /// One role whose model the policy does not allow.
    public struct Breach: Equatable, Sendable, Codable {
        /// The role (`task`, `reflection`, `judge`, `simulator`, `author`).
        public var role: ModelRole
        /// The model's qualified name (`provider/id`).
        public var model: String
    }
    public var breaches: [Breach]
    public var allowed: [String]
    public var policyFile: String

    public var description: String {
        let list = breaches.map { "\($0.role.rawValue) model \($0.model)" }.joined(separator: ", ")
        return "policy violation: \(list) not allowed by \(policyFile) (allowedModels: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", "))); add the model to allowedModels or choose an allowed model for that role"
    }
}

/// A problem with the run's configuration found before spending anything.
public struct PreflightError: Error, CustomStringConvertible, Equatable, Sendable {
    public var problem: String
    public init(problem: String) {
        self.problem = problem
    }
    public var description: String { problem }
}

/// Checks made before a run opens the store.
public enum Preflight {
    /// The preflight every plan on a profile shares (`improve`, `evolve`): every role's model
    /// allowed, the policy's gate checks known, the budget bounding the run and paying for one
    /// evaluation of the search split at its cost per unit (a persona trial reserves its longest
    /// dialogue), the splits usable.
    /// - Returns: warnings worth reading before money is spent (an underpowered holdout of
    ///   `holdoutPairs` pairs).
    static func check(_ inputs: ImproveInputs, roles: [(role: ModelRole, model: ModelSpec)], budget: Budget, gateChecks: GateCheckRegistry, holdoutPairs: Int) throws -> [String] {
        try checkModels(roles, policy: inputs.policy, policyFile: inputs.policyFile)
        try gateChecks.validate(inputs.policy.gate, policyFile: inputs.policyFile)
        try checkBudgetAndSplits(budget: budget, search: inputs.search, holdout: inputs.holdout, searchCost: inputs.search.reduce(0) { $0 + inputs.metricCost($1) })
        return PromotionGate.preflight(holdoutPairs: holdoutPairs, settings: inputs.policy.gate).warnings
    }

    /// A profile with an `agent:` block needs an agent runtime to start it.
    /// - Throws: ``AgentRuntimeMissing``.
    public static func checkAgentRuntime(_ profile: AgentProfile, runtime: AgentRuntime?) throws {
        if profile.agent != nil, runtime == nil { throw AgentRuntimeMissing(profile: profile.name) }
    }

    /// Every role's model must be allowed; all breaches are reported at once.
    public static func checkModels(_ roles: [(role: ModelRole, model: ModelSpec)], policy: Policy, policyFile: String) throws {
        let breaches = roles.filter { !policy.allowedModels.allows($0.model) }.map { PolicyViolation.Breach(role: $0.role, model: $0.model.qualifiedName) }
        guard breaches.isEmpty else {
            throw PolicyViolation(breaches: breaches, allowed: policy.allowedModels.patterns, policyFile: policyFile)
        }
    }

    /// The budget must bound the run, and the splits must be non-empty and disjoint.
    /// - Parameters:
    ///   - budget: the budget in force.
    ///   - search: the search split.
    ///   - holdout: the holdout split.
    ///   - searchCost: metric calls one evaluation of the search split can cost (default: one per
    ///     item; a persona trial reserves its longest dialogue).
    public static func checkBudgetAndSplits(budget: Budget, search: [EvalItem], holdout: [EvalItem], searchCost: Int? = nil) throws {
        guard budget.isBounded else {
            throw PreflightError(problem: "the budget sets no limit; set budget.metricCalls (or tokens / cost) in policy.yaml or pass --budget")
        }
        guard !search.isEmpty else { throw PreflightError(problem: "the search split is empty; the generator would have nothing to learn from") }
        guard !holdout.isEmpty else { throw PreflightError(problem: "the holdout split is empty; the gate would have nothing to decide on") }
        let overlap = Set(search.map(\.id)).intersection(holdout.map(\.id))
        guard overlap.isEmpty else {
            throw PreflightError(problem: "items \(overlap.sorted().prefix(5).joined(separator: ", ")) are in both the search and the holdout split")
        }
        let cost = searchCost ?? search.count
        if let limit = budget.metricCalls, limit < cost {
            let what = cost == search.count ? "\(search.count) items" : "\(search.count) items and persona trials, up to \(cost) metric calls"
            throw PreflightError(problem: "budget.metricCalls \(limit) is smaller than one evaluation of the baseline on the search split (\(what))")
        }
    }
}

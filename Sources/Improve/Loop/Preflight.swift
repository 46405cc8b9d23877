import ImproveCore

/// A run that would call a model the policy does not allow. Raised before anything is
/// written: no store file, no run row, no network traffic.
public struct PolicyViolation: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Breach: Equatable, Sendable, Codable {
        public var role: String
        public var model: String
    }
    public var breaches: [Breach]
    public var allowed: [String]
    public var policyFile: String

    public var description: String {
        let list = breaches.map { "\($0.role) model \($0.model)" }.joined(separator: ", ")
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
    /// Every role's model must be allowed; all breaches are reported at once.
    public static func checkModels(_ roles: [(role: String, model: ModelSpec)], policy: Policy, policyFile: String) throws {
        let breaches = roles.filter { !policy.allowedModels.allows($0.model) }.map { PolicyViolation.Breach(role: $0.role, model: $0.model.qualifiedName) }
        guard breaches.isEmpty else {
            throw PolicyViolation(breaches: breaches, allowed: policy.allowedModels.patterns, policyFile: policyFile)
        }
    }

    /// The budget must bound the run, and the splits must be non-empty and disjoint.
    /// - Parameter searchCost: metric calls one evaluation of the search split can cost (default:
    ///   one per item; a persona trial reserves its longest dialogue).
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

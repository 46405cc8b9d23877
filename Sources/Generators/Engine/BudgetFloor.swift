import ImproveCore

/// How many proposals a metric-call budget pays for at the run's validation size, checked
/// before anything is spent.
///
/// The baseline costs one scored pair per validation item; after that a proposal costs at
/// most the parent's minibatch, the child's minibatch and, when accepted, the child's full
/// validation pass, each times `rollouts`. A budget that pays for only one or two such
/// proposals cannot show a gain however good the generator is (issue 10: 300 calls on a
/// large validation pool), so the run warns and names the budget that would pay for
/// ``wanted`` proposals.
public struct BudgetFloor: Sendable, Codable, Equatable {
    /// Proposals below which the run is warned about (a "few" proposals).
    public static let wanted = 3

    /// The metric-call budget checked.
    public var budgetMetricCalls: Int
    /// Items in the validation pool (every accepted child is scored on all of them).
    public var validationItems: Int
    /// Metric calls of the baseline's validation pass.
    public var baselineCost: Int
    /// Metric calls of one accepted proposal, at most.
    public var proposalCost: Int
    /// Proposals the budget pays for after the baseline.
    public var affordableProposals: Int
    /// The metric-call budget that pays for ``wanted`` proposals.
    public var neededForWanted: Int

    /// Nil when the budget sets no metric-call limit (tokens or cost alone cannot be priced
    /// before the run).
    public init?(budget: Budget, search: SearchSet, settings: SearchSettings, options: SearchOptions = SearchOptions()) {
        guard let limit = budget.metricCalls, !search.items.isEmpty else { return nil }
        let split = SearchSplit(search, mode: options.split, seed: settings.seed)
        let rollouts = max(1, settings.rollouts)
        let minibatch = max(1, min(settings.minibatchSize, split.feedback.count))
        let shared = Set(split.feedback.map(\.id)).intersection(split.validation.map(\.id)).isEmpty ? 0 : minibatch
        budgetMetricCalls = limit
        validationItems = split.validation.count
        baselineCost = split.validation.count * rollouts
        proposalCost = (2 * minibatch + split.validation.count - shared) * rollouts
        affordableProposals = max(0, limit - baselineCost) / max(1, proposalCost)
        neededForWanted = baselineCost + Self.wanted * proposalCost
    }

    /// True when the budget pays for fewer than ``wanted`` proposals.
    public var isTooLow: Bool { affordableProposals < Self.wanted }

    /// The warning shown before the run and stored in its outcome.
    public var warning: String {
        "the budget of \(budgetMetricCalls) metric calls pays for about \(affordableProposals) proposal(s) at \(validationItems) validation items "
            + "(baseline \(baselineCost), up to \(proposalCost) per proposal); raise budget.metricCalls to at least \(neededForWanted) for \(Self.wanted) proposals"
    }
}

/// How much a run may spend. Any limit left nil is unlimited; at least one must be set.
public struct Budget: Codable, Sendable, Equatable {
    /// Scored (candidate, item) pairs, the unit GEPA counts in.
    public var metricCalls: Int?
    public var tokens: Int?
    /// US dollars.
    public var cost: Double?

    public init(metricCalls: Int? = nil, tokens: Int? = nil, cost: Double? = nil) {
        self.metricCalls = metricCalls
        self.tokens = tokens
        self.cost = cost
    }

    public var isBounded: Bool { metricCalls != nil || tokens != nil || cost != nil }
}

/// What a run has spent so far.
public struct Spend: Codable, Sendable, Equatable {
    public var metricCalls: Int
    public var usage: Usage

    public init(metricCalls: Int = 0, usage: Usage = .zero) {
        self.metricCalls = metricCalls
        self.usage = usage
    }

    /// True when spending `nextMetricCalls` more scored pairs would stay within `budget`
    /// and no token or cost limit has been reached.
    public func allows(_ nextMetricCalls: Int, within budget: Budget) -> Bool {
        if let limit = budget.metricCalls, metricCalls + nextMetricCalls > limit { return false }
        if let limit = budget.tokens, usage.totalTokens >= limit { return false }
        if let limit = budget.cost, usage.cost >= limit { return false }
        return true
    }

    /// Metric calls left (nil when unlimited).
    public func metricCallsLeft(in budget: Budget) -> Int? {
        budget.metricCalls.map { max(0, $0 - metricCalls) }
    }
}

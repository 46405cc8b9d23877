import ImproveCore

/// What a candidate costs to run, per scored item: the task model's tokens and dollars.
public struct CandidateCost: Sendable, Codable, Equatable {
    /// Mean input plus output tokens per item.
    public var tokensPerItem: Double
    /// Mean dollars per item (0 when the provider has no price).
    public var dollarsPerItem: Double

    public init(tokensPerItem: Double, dollarsPerItem: Double) {
        self.tokensPerItem = tokensPerItem
        self.dollarsPerItem = dollarsPerItem
    }

    /// The mean usage of the rollouts behind `results` (zero when there are none).
    public init(results: [ItemResult]) {
        let usage = Self.usage(results)
        let count = Double(max(results.count, 1))
        self.init(tokensPerItem: Double(usage.totalTokens) / count, dollarsPerItem: usage.cost / count)
    }

    /// Dollars decide when both sides have a price; otherwise tokens do (a local model is free
    /// in dollars, yet a longer strategy still costs time on every call).
    public func isCheaper(than other: CandidateCost) -> Bool {
        if dollarsPerItem > 0, other.dollarsPerItem > 0, dollarsPerItem != other.dollarsPerItem {
            return dollarsPerItem < other.dollarsPerItem
        }
        return tokensPerItem < other.tokensPerItem
    }
}

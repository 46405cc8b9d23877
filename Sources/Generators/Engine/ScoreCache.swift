import ImproveCore

/// Every (candidate, item) pair scored so far, so no pair is ever paid for twice.
///
/// Keyed by candidate id (the hash of its components) and item id: the same text proposed
/// again by any generator hits the cache.
struct ScoreCache: Sendable {
    private var results: [String: [String: ItemResult]] = [:]

    func result(candidate: String, item: String) -> ItemResult? {
        results[candidate]?[item]
    }

    /// The items of `items` that `candidate` has not been scored on yet, in order.
    func missing(candidate: String, in items: [EvalItem]) -> [EvalItem] {
        let known = results[candidate] ?? [:]
        return items.filter { known[$0.id] == nil }
    }

    mutating func store(candidate: String, _ newResults: [ItemResult]) {
        for result in newResults {
            results[candidate, default: [:]][result.itemID] = result
        }
    }

    /// Mean score of `candidate` over every item it has been scored on (validation and
    /// minibatch pairs alike), summed in item-id order so it is the same in every process;
    /// nil when it has no scored pair.
    func meanOverScoredPairs(candidate: String) -> Double? {
        guard let known = results[candidate], !known.isEmpty else { return nil }
        let scores = known.keys.sorted().compactMap { known[$0]?.score }
        return scores.reduce(0, +) / Double(scores.count)
    }

    /// Results of `candidate` on `items`, in the order of `items` (only the known ones).
    func results(candidate: String, on items: [EvalItem]) -> [ItemResult] {
        items.compactMap { results[candidate]?[$0.id] }
    }
}

import ImproveCore

/// How the search items are divided between the feedback pool (minibatches that reflection
/// reads and acceptance compares on) and the validation pool (Pareto selection and ranking).
public enum SplitMode: Sendable, Codable, Equatable {
    /// A seeded shuffle puts `valFraction` of the items (at least one) in validation and the
    /// rest in feedback. Falls back to ``shared`` when there are fewer than two items.
    case disjoint(valFraction: Double)
    /// All search items serve both roles (GEPA's behaviour when no validation set is given).
    /// Acceptance then reuses minibatch scores during validation, which saves metric calls
    /// but lets minibatch luck leak into the ranking.
    case shared
}

/// The two pools the engine works from. Both are subsets of the ``SearchSet``; holdout items
/// cannot appear because the engine never receives them.
public struct SearchSplit: Sendable, Equatable {
    public let feedback: [EvalItem]
    public let validation: [EvalItem]

    /// Deterministic in `seed`: the same items and seed always give the same split.
    public init(_ search: SearchSet, mode: SplitMode, seed: UInt64) {
        switch mode {
        case .shared:
            feedback = search.items
            validation = search.items
        case .disjoint(let fraction):
            guard search.items.count >= 2 else {
                feedback = search.items
                validation = search.items
                return
            }
            var rng = SeededRandom.derived(seed: seed, label: "search-split")
            // Sort first so the split does not depend on the order items were loaded in.
            let shuffled = rng.shuffled(search.items.sorted { $0.id < $1.id })
            let wanted = Int((Double(shuffled.count) * min(max(fraction, 0), 1)).rounded())
            let valCount = min(max(wanted, 1), shuffled.count - 1)
            validation = Array(shuffled.prefix(valCount))
            feedback = Array(shuffled.dropFirst(valCount))
        }
    }
}

import ImproveCore

/// Chooses which candidate the author rewrites next.
public protocol ParentSelection: Sendable {
    /// One of `candidates` (never empty), chosen with randomness from `rng` only.
    func parent(from candidates: [ScoredCandidate], items: [String], rng: inout SeededRandom) -> ScoredCandidate
}

/// GEPA's rule over every candidate scored so far: sample from the per-item Pareto frontier,
/// in proportion to the items each survivor wins, so a candidate that is best on a few items
/// keeps being developed even when its mean is not the highest.
public struct ParetoParentSelection: ParentSelection {
    public init() {}

    /// A frontier survivor, drawn in proportion to the items it wins.
    public func parent(from candidates: [ScoredCandidate], items: [String], rng: inout SeededRandom) -> ScoredCandidate {
        let frontier = ParetoFrontier(scores: candidates.reduce(into: [:]) { $0[$1.id] = $1.results.mapValues(\.score) }, items: items)
        let chosen = frontier.sample(using: &rng)
        return candidates.first { $0.id == chosen } ?? candidates[0]
    }
}

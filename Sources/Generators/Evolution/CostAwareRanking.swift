import ImproveCore

/// Orders candidates for the champion and the elites: search means within `tolerance` of the
/// best remaining mean form a tier in which the cheaper candidate (see ``CandidateCost``) comes
/// first; the next tier starts at the best mean left over, and so on.
///
/// A pairwise "within tolerance, cheaper wins" is not transitive; tiers anchored on the best
/// remaining mean make it a total order, so the same scores always give the same ranking.
public struct CostAwareRanking: Sendable {
    /// Search means within this distance of a tier's best are tied.
    public let tolerance: Double

    public init(tolerance: Double) {
        self.tolerance = max(0, tolerance)
    }

    /// `candidates` best first.
    public func ranked(_ candidates: [ScoredCandidate]) -> [ScoredCandidate] {
        var left = candidates
        var ordered: [ScoredCandidate] = []
        while let best = left.map(\.meanScore).max() {
            let tier = left.filter { $0.meanScore >= best - tolerance - 1e-12 }
            left.removeAll { member in tier.contains { $0.id == member.id } }
            ordered += tier.sorted(by: Self.precedes)
        }
        return ordered
    }

    /// Within a tier: cheaper first, then the higher mean, then the id.
    static func precedes(_ a: ScoredCandidate, _ b: ScoredCandidate) -> Bool {
        let (costA, costB) = (CandidateCost(results: Array(a.results.values)), CandidateCost(results: Array(b.results.values)))
        if costA.isCheaper(than: costB) { return true }
        if costB.isCheaper(than: costA) { return false }
        if a.meanScore != b.meanScore { return a.meanScore > b.meanScore }
        return a.id < b.id
    }
}

import ImproveCore

/// Everything an evolution run produced on the search split.
public struct EvolutionResult: Sendable {
    /// Every candidate scored, the seed first, in the order they were scored.
    public var scored: [ScoredCandidate]
    /// Every attempt, the seed first, in the order they were settled.
    public var lineage: [LineageEntry]
    /// One row per generation, generation 0 (the seed) first.
    public var generations: [GenerationStats]
    /// Every scored candidate by ``CostAwareRanking``, best first.
    public var ranking: [ScoredCandidate]
    /// Metric calls and usage (rollouts and author calls) of the search split.
    public var spend: Spend
    /// Why the generations ended.
    public var stop: StopReason
    /// Calls the author answered (replayed ones included).
    public var authorCalls: Int

    /// The cost-aware champion.
    public var champion: ScoredCandidate? { ranking.first }
    /// The profile as given, scored.
    public var seed: ScoredCandidate? { scored.first }

    /// The same result in the shape of a ``SearchResult``, so the holdout phase, the gate, the
    /// audit record and the write-back of `run` serve evolution unchanged. When the champion is
    /// the seed itself the ranking holds only the seed: there is nothing to promote.
    public func searchResult(items: [EvalItem], seedValue: UInt64) -> SearchResult {
        let ranking = champion?.id == seed?.id ? Array(self.ranking.prefix(1)) : self.ranking
        let byID = Dictionary(scored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let proposals = lineage.filter { $0.status != .seed }.enumerated().map { index, entry in
            ProposalRecord(
                iteration: index + 1, parent: entry.parents.first ?? "", generator: "author", component: entry.component,
                changedComponents: entry.candidateID.isEmpty ? [] : [entry.component], rationale: entry.rationale,
                child: entry.candidateID.isEmpty ? nil : entry.candidateID, childParents: entry.parents, minibatch: [],
                parentScores: entry.parents.compactMap { byID[$0]?.meanScore }, childScores: entry.searchScore.map { [$0] } ?? [],
                accepted: entry.status == .improved, reason: "generation \(entry.generation): \(entry.note)",
                metricCalls: entry.searchScore == nil ? 0 : items.count, reflectionUsage: entry.authorUsage,
                evaluationUsage: byID[entry.candidateID].map { CandidateCost.usage(Array($0.results.values)) } ?? .zero,
                // Evolution's streams are derived from the run seed, not stored per proposal.
                random: RandomStates(selection: 0, minibatch: 0, generator: 0))
        }
        return SearchResult(
            pool: scored, ranking: ranking, proposals: proposals, spend: spend, stop: stop,
            split: SearchSplit(SearchSet(items: items), mode: .shared, seed: seedValue))
    }
}

extension CandidateCost {
    /// The summed usage of the rollouts behind `results`.
    static func usage(_ results: [ItemResult]) -> Usage {
        // In item order: the dollar sum must not depend on a dictionary's order.
        results.sorted { $0.itemID < $1.itemID }.reduce(Usage.zero) { $0 + ($1.trace?.usage ?? .zero) }
    }
}

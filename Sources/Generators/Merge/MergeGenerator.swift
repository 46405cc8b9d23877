import ImproveCore

/// GEPA's system-aware merge: two frontier candidates that descend from a common ancestor
/// and improved *different* components are combined, taking each component from the side
/// that changed it.
///
/// Rules for a pair (i, j) with common ancestor a:
/// - neither of i, j is an ancestor of the other (a lineage has nothing to merge);
/// - a does not score better than i or j on validation (merging should build on gains);
/// - some component is unchanged from a on one side and different on the other, with the
///   two sides differing (otherwise the merge equals one of them);
/// - per component: same on both sides → kept; unchanged on one side → the other side's
///   text; changed on both → the side with the higher validation mean (ties: smaller id).
/// The child names both i and j as parents, so the engine accepts it only if it beats
/// both on the minibatch.
public struct MergeGenerator: CandidateGenerator {
    public let name = "merge"

    public init() {}

    /// A merge of `i` and `j` over `ancestor`, or nil when the triple breaks a rule above.
    public static func merge(_ i: ScoredCandidate, _ j: ScoredCandidate, ancestor a: ScoredCandidate) -> [String: String]? {
        guard a.meanScore <= i.meanScore, a.meanScore <= j.meanScore else { return nil }
        let names = Set(i.candidate.components.keys).union(j.candidate.components.keys).sorted()
        var merged: [String: String] = [:]
        var complementary = false
        for name in names {
            let left = i.candidate.components[name], right = j.candidate.components[name], base = a.candidate.components[name]
            if left == right {
                merged[name] = left
            } else if left == base {
                merged[name] = right
                complementary = true
            } else if right == base {
                merged[name] = left
                complementary = true
            } else {
                let leftWins = i.meanScore > j.meanScore || (i.meanScore == j.meanScore && i.id < j.id)
                merged[name] = leftWins ? left : right
            }
        }
        guard complementary, merged != i.candidate.components, merged != j.candidate.components else { return nil }
        return merged
    }

    /// The candidates merge pairs are drawn from: GEPA's Pareto frontier when it holds at
    /// least two, else the whole pool.
    ///
    /// On a small pool, or when every validation score ties (all 0 on a hard task), the
    /// frontier collapses to one survivor and GEPA's merge can never fire, so two children
    /// that each improved a different component of the seed would never be combined
    /// (issue 10). The pool fallback lets them meet; the ancestor rule in ``merge(_:_:ancestor:)``
    /// still refuses pairs that did worse than their common ancestor, and the engine still
    /// demands that the child beat both parents on a minibatch.
    public static func mergeable(_ pool: [ScoredCandidate], items: [String]) -> [String] {
        let frontier = ParetoFrontier(scores: pool.reduce(into: [:]) { $0[$1.id] = $1.results.mapValues(\.score) }, items: items).ids
        return frontier.count >= 2 ? frontier : pool.map(\.id).sorted()
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        let byID = Dictionary(context.pool.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let items = Set(context.pool.flatMap { $0.results.keys }).sorted()
        let frontier = Self.mergeable(context.pool, items: items)
        let ancestry = Ancestry(context.pool)
        var options: [Candidate] = []
        for (x, first) in frontier.enumerated() {
            for second in frontier[(x + 1)...] {
                guard let i = byID[first], let j = byID[second] else { continue }
                if ancestry.ancestors(of: first).contains(second) || ancestry.ancestors(of: second).contains(first) { continue }
                for ancestorID in ancestry.commonAncestors(first, second).sorted() {
                    guard let a = byID[ancestorID], let merged = Self.merge(i, j, ancestor: a), context.isNew(merged) else { continue }
                    let rationale = "merge \(first.prefix(8)) and \(second.prefix(8)) over their ancestor \(ancestorID.prefix(8))"
                    options.append(Candidate(components: merged, parents: [first, second], generator: name, rationale: rationale))
                }
            }
        }
        guard !options.isEmpty else {
            return .nothing(reason: "no two frontier candidates share an ancestor and improved different components")
        }
        return .candidates([options[rng.index(below: options.count)]])
    }
}

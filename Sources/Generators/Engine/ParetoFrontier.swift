import ImproveCore

/// GEPA's parent selection over per-item validation scores.
///
/// For each validation item the candidates with the best score on it form that item's
/// front. A candidate is dominated when every front it belongs to also holds another
/// surviving candidate; dominated candidates are removed one at a time, weakest first (by
/// mean, then id), so two candidates that tie everywhere do not eliminate each other. The
/// survivors are sampled with probability proportional to the number of items they win.
public struct ParetoFrontier: Sendable, Equatable {
    /// Surviving candidate ids with the number of validation items each wins, sorted by id.
    public let wins: [(id: String, items: Int)]

    public static func == (lhs: ParetoFrontier, rhs: ParetoFrontier) -> Bool {
        lhs.wins.map(\.id) == rhs.wins.map(\.id) && lhs.wins.map(\.items) == rhs.wins.map(\.items)
    }

    /// - Parameters:
    ///   - scores: candidate id → (item id → score). Items missing for a candidate count as
    ///     not won by it.
    ///   - items: the validation item ids to build fronts over.
    ///   - tieBreak: a second key for the weakest-first order when validation means tie
    ///     (the engine passes each candidate's mean over every pair it has scored). When
    ///     every candidate scores 0 on every validation item, all fronts hold everyone and
    ///     only one candidate survives; without this it would be the one with the largest
    ///     id, an arbitrary pick, and with it it is the one that did best on the minibatch
    ///     pairs already paid for (issue 10), so operators build on the current best.
    public init(scores: [String: [String: Double]], items: [String], tieBreak: [String: Double] = [:]) {
        let ids = scores.keys.sorted()
        var fronts: [Set<String>] = []
        for item in items {
            let scored = ids.compactMap { id in scores[id]?[item].map { (id, $0) } }
            guard let best = scored.map(\.1).max() else { continue }
            fronts.append(Set(scored.filter { $0.1 == best }.map(\.0)))
        }
        func mean(_ id: String) -> Double {
            // Sorted, so the sum (and the removal order it decides) is the same in every process.
            let values = scores[id]?.values.sorted() ?? []
            return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
        var alive = Set(ids.filter { id in fronts.contains { $0.contains(id) } })
        let weakestFirst = alive.sorted { (mean($0), tieBreak[$0] ?? 0, $0) < (mean($1), tieBreak[$1] ?? 0, $1) }
        for id in weakestFirst where alive.count > 1 {
            let own = fronts.filter { $0.contains(id) }
            let dominated = own.allSatisfy { front in front.contains { $0 != id && alive.contains($0) } }
            if dominated { alive.remove(id) }
        }
        wins = alive.sorted().map { id in (id, fronts.filter { $0.contains(id) }.count) }
    }

    public var ids: [String] { wins.map(\.id) }

    /// One survivor, drawn with probability proportional to the items it wins.
    public func sample(using rng: inout SeededRandom) -> String? {
        guard let index = rng.weightedIndex(wins.map { Double($0.items) }) else { return wins.first?.id }
        return wins[index].id
    }
}

/// The family tree of the pool, from each candidate's declared parents.
public struct Ancestry: Sendable {
    private let parents: [String: [String]]

    public init(_ pool: [ScoredCandidate]) {
        parents = Dictionary(pool.map { ($0.id, $0.candidate.parents) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every ancestor of `id` (parents, their parents, ...), not including `id` itself.
    public func ancestors(of id: String) -> Set<String> {
        var found = Set<String>()
        var stack = parents[id] ?? []
        while let next = stack.popLast() {
            if found.insert(next).inserted { stack += parents[next] ?? [] }
        }
        return found
    }

    /// Ancestors `a` and `b` share (neither of them counts as an ancestor of itself).
    public func commonAncestors(_ a: String, _ b: String) -> Set<String> {
        ancestors(of: a).intersection(ancestors(of: b))
    }
}

import ImproveCore

/// Random choices built only from ``SeededRandom``'s own bits, so a sequence never depends
/// on how a standard library version implements `shuffled` or `randomElement`.
extension SeededRandom {
    /// A uniform index in `0..<count` (`count` must be positive).
    public mutating func index(below count: Int) -> Int {
        precondition(count > 0, "index(below:) needs a positive count")
        return min(Int(nextUnit() * Double(count)), count - 1)
    }

    /// A Fisher–Yates shuffle of `items`.
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        guard copy.count > 1 else { return copy }
        for i in stride(from: copy.count - 1, to: 0, by: -1) {
            copy.swapAt(i, index(below: i + 1))
        }
        return copy
    }

    /// An index chosen with probability proportional to `weights` (nil when all are zero).
    public mutating func weightedIndex(_ weights: [Double]) -> Int? {
        let total = weights.reduce(0) { $0 + max($1, 0) }
        guard total > 0 else { return nil }
        var target = nextUnit() * total
        for (i, weight) in weights.enumerated() where weight > 0 {
            if target < weight { return i }
            target -= weight
        }
        return weights.lastIndex { $0 > 0 }
    }
}

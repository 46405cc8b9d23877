import ImproveCore

/// The holdout items the final gate sees, drawn once all authoring is over.
///
/// A seeded sample of the holdout split (sorted by id first, so load order does not matter),
/// returned in id order; the whole split when `size` is nil or not smaller.
enum HoldoutSlice {
    static func draw(from holdout: [EvalItem], size: Int?, seed: UInt64) -> [EvalItem] {
        let sorted = holdout.sorted { $0.id < $1.id }
        guard let size, size < sorted.count else { return sorted }
        var rng = SeededRandom.derived(seed: seed, label: "evolve-holdout-slice")
        return rng.shuffled(sorted).prefix(size).sorted { $0.id < $1.id }
    }
}

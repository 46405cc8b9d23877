import ImproveCore

/// Resampling methods for paired, continuous score differences. Every draw comes from a
/// `SeededRandom` with the given seed, so the same inputs always give the same interval.
public enum PairedBootstrap {
    /// Percentile bootstrap interval of the mean of `differences`: resample the pairs with
    /// replacement `resamples` times, take the empirical (1 - confidence)/2 and
    /// 1 - (1 - confidence)/2 quantiles of the resampled means (outer order statistics, so
    /// the interval errs wide rather than narrow).
    public static func percentileInterval(differences: [Double], confidence: Double, resamples: Int, seed: UInt64) -> (lower: Double, upper: Double) {
        let n = differences.count
        guard n > 0, resamples > 0 else { return (0, 0) }
        var random = SeededRandom.derived(seed: seed, label: "paired-bootstrap")
        var means = [Double](repeating: 0, count: resamples)
        differences.withUnsafeBufferPointer { values in
            for r in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n { sum += values[random.index(below: n)] }
                means[r] = sum / Double(n)
            }
        }
        means.sort()
        let tail = (1 - confidence) / 2
        let lowIndex = max(0, Int((tail * Double(resamples - 1)).rounded(.down)))
        let highIndex = min(resamples - 1, Int(((1 - tail) * Double(resamples - 1)).rounded(.up)))
        return (means[lowIndex], means[highIndex])
    }

    /// One-sided p-value that the mean difference is greater than zero, by a paired
    /// randomisation (sign-flip) test: under the null the two arms are exchangeable within a
    /// pair, so each difference is equally likely to carry either sign. Exact enumeration
    /// when at most 12 differences are non-zero, otherwise `resamples` seeded flips with the
    /// (count + 1) / (resamples + 1) correction, which keeps the test valid at any resample count.
    public static func signFlipPValueGreater(differences: [Double], resamples: Int, seed: UInt64) -> Double {
        signFlipPValue(differences: differences, resamples: resamples, seed: seed, label: "sign-flip-greater", greater: true)
    }

    /// One-sided p-value that the mean difference is less than zero (the candidate is worse).
    public static func signFlipPValueLess(differences: [Double], resamples: Int, seed: UInt64) -> Double {
        signFlipPValue(differences: differences, resamples: resamples, seed: seed, label: "sign-flip-less", greater: false)
    }

    private static func signFlipPValue(differences: [Double], resamples: Int, seed: UInt64, label: String, greater: Bool) -> Double {
        let nonZero = differences.filter { $0 != 0 }.map { greater ? $0 : -$0 }
        guard !nonZero.isEmpty else { return 1 }
        let observed = nonZero.reduce(0, +)
        // A tiny tolerance so that flips reproducing the observed sum in a different
        // floating-point order still count as "at least as extreme".
        let threshold = observed - 1e-12 * max(1, nonZero.reduce(0) { $0 + abs($1) })
        if nonZero.count <= 12 {
            let total = 1 << nonZero.count
            var extreme = 0
            for mask in 0..<total {
                var sum = 0.0
                for (bit, value) in nonZero.enumerated() { sum += (mask >> bit) & 1 == 1 ? -value : value }
                if sum >= threshold { extreme += 1 }
            }
            return Double(extreme) / Double(total)
        }
        var random = SeededRandom.derived(seed: seed, label: label)
        var extreme = 0
        nonZero.withUnsafeBufferPointer { values in
            for _ in 0..<max(1, resamples) {
                var sum = 0.0
                var bits: UInt64 = 0
                for i in 0..<values.count {
                    if i % 64 == 0 { bits = random.next() }
                    sum += bits & 1 == 1 ? -values[i] : values[i]
                    bits >>= 1
                }
                if sum >= threshold { extreme += 1 }
            }
        }
        return Double(extreme + 1) / Double(max(1, resamples) + 1)
    }
}

extension SeededRandom {
    /// A uniform index in 0..<bound by rejection sampling, so no value is favoured and the
    /// sequence does not depend on the standard library's `random(in:)` implementation.
    mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        let limit = UInt64.max - UInt64.max % range
        while true {
            let value = next()
            if value < limit { return Int(value % range) }
        }
    }
}

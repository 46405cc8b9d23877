import Foundation

/// Exact binomial tail probabilities, computed in log space so that thousands of trials
/// neither overflow nor underflow.
public enum Binomial {
    /// log C(n, k).
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    /// log P(X = k) for X ~ Binomial(n, p).
    public static func logPMF(_ k: Int, trials n: Int, probability p: Double) -> Double {
        if p <= 0 { return k == 0 ? 0 : -.infinity }
        if p >= 1 { return k == n ? 0 : -.infinity }
        return logChoose(n, k) + Double(k) * log(p) + Double(n - k) * log1p(-p)
    }

    /// P(X >= k) for X ~ Binomial(n, p), summed with log-sum-exp.
    public static func upperTail(atLeast k: Int, trials n: Int, probability p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        return min(1, exp(logSumExp((k...n).map { logPMF($0, trials: n, probability: p) })))
    }

    /// P(X <= k) for X ~ Binomial(n, p).
    public static func lowerTail(atMost k: Int, trials n: Int, probability p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        return min(1, exp(logSumExp((0...k).map { logPMF($0, trials: n, probability: p) })))
    }

    static func logSumExp(_ terms: [Double]) -> Double {
        guard let top = terms.max(), top > -.infinity else { return -.infinity }
        return top + log(terms.reduce(0) { $0 + exp($1 - top) })
    }

    /// The Clopper–Pearson ("exact") interval for a binomial proportion: the set of `p` not
    /// rejected by either one-sided exact test at level (1 - confidence) / 2. Found by
    /// bisection on the monotone tail probabilities, so no incomplete-beta inverse is needed.
    public static func clopperPearson(successes k: Int, trials n: Int, confidence: Double) -> (lower: Double, upper: Double) {
        precondition(n > 0 && (0...n).contains(k), "need 0 <= successes <= trials and trials > 0")
        let tail = (1 - confidence) / 2
        // Lower bound: the p where P(X >= k | p) = tail (increasing in p).
        let lower = k == 0 ? 0 : bisect { upperTail(atLeast: k, trials: n, probability: $0) >= tail }
        // Upper bound: the p where P(X <= k | p) = tail (decreasing in p).
        let upper = k == n ? 1 : bisect { lowerTail(atMost: k, trials: n, probability: $0) < tail }
        return (lower, upper)
    }

    /// The smallest p in [0, 1] for which the monotone predicate turns true.
    private static func bisect(_ isPast: (Double) -> Bool) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if isPast(mid) { high = mid } else { low = mid }
        }
        return (low + high) / 2
    }
}

/// The exact sign test, which for paired pass/fail outcomes is the exact McNemar test: only
/// discordant pairs carry information, and under the null each is equally likely to favour
/// either arm.
public enum SignTest {
    /// One-sided p-value that the candidate is better: P(X >= wins) with X ~ Binomial(wins + losses, 1/2).
    /// Ties (concordant pairs) are ignored. With no discordant pairs the p-value is 1.
    public static func pValueGreater(wins: Int, losses: Int) -> Double {
        let n = wins + losses
        guard n > 0 else { return 1 }
        return Binomial.upperTail(atLeast: wins, trials: n, probability: 0.5)
    }

    /// One-sided p-value that the candidate is worse: P(X <= wins).
    public static func pValueLess(wins: Int, losses: Int) -> Double {
        let n = wins + losses
        guard n > 0 else { return 1 }
        return Binomial.lowerTail(atMost: wins, trials: n, probability: 0.5)
    }

    /// Two-sided p-value: twice the smaller one-sided tail, capped at 1.
    public static func pValueTwoSided(wins: Int, losses: Int) -> Double {
        min(1, 2 * min(pValueGreater(wins: wins, losses: losses), pValueLess(wins: wins, losses: losses)))
    }
}

/// The exact McNemar test on a paired 2x2 table, named for readers who know it by that name.
public enum ExactMcNemar {
    /// `improved`: pairs where the baseline failed and the candidate passed; `regressed`: the reverse.
    /// Returns the one-sided p-value for "candidate better".
    public static func pValueImprovement(improved: Int, regressed: Int) -> Double {
        SignTest.pValueGreater(wins: improved, losses: regressed)
    }

    /// Two-sided exact McNemar p-value.
    public static func pValueTwoSided(improved: Int, regressed: Int) -> Double {
        SignTest.pValueTwoSided(wins: improved, losses: regressed)
    }

    /// Exact conditional confidence interval for the paired difference in pass rates.
    ///
    /// With `pairs` pairs of which `improved + regressed` are discordant, the difference is
    /// (discordant / pairs) * (2θ - 1) where θ is the share of discordant pairs that favour
    /// the candidate. Conditioning on the discordant count, θ gets a Clopper–Pearson interval,
    /// mapped to the difference scale. Its lower bound exceeds 0 exactly when the one-sided
    /// sign test rejects at (1 - confidence) / 2, so interval and test never disagree.
    /// With no discordant pairs the interval is [0, 0] (zero width: no information).
    public static func differenceInterval(improved: Int, regressed: Int, pairs: Int, confidence: Double) -> (lower: Double, upper: Double) {
        let discordant = improved + regressed
        guard discordant > 0, pairs > 0 else { return (0, 0) }
        let theta = Binomial.clopperPearson(successes: improved, trials: discordant, confidence: confidence)
        let share = Double(discordant) / Double(pairs)
        return (share * (2 * theta.lower - 1), share * (2 * theta.upper - 1))
    }
}

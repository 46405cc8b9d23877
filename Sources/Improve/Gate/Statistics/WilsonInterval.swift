import Foundation

/// The Wilson score interval for a binomial proportion: well behaved near 0 and 1 and for
/// small n, unlike the textbook Wald interval. Used to report each arm's pass rate.
public enum WilsonInterval {
    public static func interval(successes: Int, trials: Int, confidence: Double) -> (lower: Double, upper: Double) {
        guard trials > 0 else { return (0, 1) }
        let n = Double(trials)
        let p = Double(successes) / n
        let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}

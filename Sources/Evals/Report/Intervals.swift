import Foundation
import ImproveCore

/// A mean (or pass rate) with a 95% interval and how it was computed.
public struct Estimate: Codable, Sendable, Equatable {
    public var value: Double
    public var low: Double
    public var high: Double
    /// Observations behind it.
    public var n: Int
    /// `wilson` for pass rates, `bootstrap` for means.
    public var method: String

    public init(value: Double, low: Double, high: Double, n: Int, method: String) {
        self.value = value
        self.low = low
        self.high = high
        self.n = n
        self.method = method
    }
}

/// Interval estimates for eval reports (95%, z = 1.959964).
public enum Intervals {
    static let z = 1.959_963_984_540_054

    /// The Wilson score interval of `successes` out of `n`; nil when n is 0.
    public static func wilson(successes: Int, n: Int) -> Estimate? {
        guard n > 0 else { return nil }
        let p = Double(successes) / Double(n), nn = Double(n), z2 = z * z
        let centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z / (1 + z2 / nn) * ((p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot())
        return Estimate(value: p, low: max(0, centre - half), high: min(1, centre + half), n: n, method: "wilson")
    }

    /// The mean with a percentile bootstrap interval over `resamples` resamples drawn from a
    /// ``SeededRandom`` seeded with `seed`, so the same scores always give the same interval.
    public static func bootstrapMean(_ values: [Double], seed: UInt64 = 1, resamples: Int = 2000) -> Estimate? {
        guard !values.isEmpty else { return nil }
        let n = values.count
        let mean = values.reduce(0, +) / Double(n)
        var rng = SeededRandom(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0..<max(1, resamples) {
            var total = 0.0
            for _ in 0..<n { total += values[Int(rng.next() % UInt64(n))] }
            means.append(total / Double(n))
        }
        means.sort()
        let low = means[Int((Double(means.count - 1) * 0.025).rounded())]
        let high = means[Int((Double(means.count - 1) * 0.975).rounded())]
        return Estimate(value: mean, low: low, high: high, n: n, method: "bootstrap")
    }
}

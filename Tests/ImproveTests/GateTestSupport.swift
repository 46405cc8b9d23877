import Foundation
import ImproveCore
@testable import Improve

/// Builds item results with ids i0, i1, ... from scores.
func results(_ scores: [Double], dimensions: [[String: Double]]? = nil, cost: [Double]? = nil, latency: [Double]? = nil) -> [ItemResult] {
    scores.enumerated().map { index, score in
        var trace: RolloutTrace?
        if cost != nil || latency != nil {
            trace = RolloutTrace(messages: [], output: "", usage: Usage(cost: cost?[index] ?? 0), servedModel: "m", latencyMs: latency?[index] ?? 0, source: "stub")
        }
        return ItemResult(itemID: "i\(index)", score: score, dimensions: dimensions?[index] ?? [:], trace: trace)
    }
}

/// Paired pass/fail outcomes with given counts: improved (0->1), regressed (1->0), both pass, both fail.
func binaryPairs(improved: Int, regressed: Int, bothPass: Int, bothFail: Int) -> (baseline: [Double], candidate: [Double]) {
    let baseline = Array(repeating: 0.0, count: improved) + Array(repeating: 1.0, count: regressed) + Array(repeating: 1.0, count: bothPass) + Array(repeating: 0.0, count: bothFail)
    let candidate = Array(repeating: 1.0, count: improved) + Array(repeating: 0.0, count: regressed) + Array(repeating: 1.0, count: bothPass) + Array(repeating: 0.0, count: bothFail)
    return (baseline, candidate)
}

extension SeededRandom {
    /// A standard normal draw (Box–Muller), for simulations.
    mutating func normal() -> Double {
        let u1 = max(nextUnit(), 1e-300)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// Holm–Bonferroni step-down correction for a family of p-values.
public enum HolmBonferroni {
    /// Adjusted p-values in the order of `pValues`: sort ascending, multiply the i-th smallest
    /// (0-based) by (m - i), enforce monotonicity with a running maximum, cap at 1. A
    /// hypothesis is rejected at family-wise level alpha exactly when its adjusted p < alpha.
    public static func adjust(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}

/// pass^k: the chance that k independent trials of a task all succeed (tau-bench), estimated
/// without bias from n trials with c successes as C(c, k) / C(n, k).
public enum PassHatK {
    /// The estimate, or nil when k is not in 1...n or c is not in 0...n.
    public static func estimate(trials n: Int, successes c: Int, k: Int) -> Double? {
        guard n >= 1, (1...n).contains(k), (0...n).contains(c) else { return nil }
        guard c >= k else { return 0 }
        // C(c,k)/C(n,k) = prod_{i<k} (c-i)/(n-i): a product of ratios never overflows.
        var value = 1.0
        for i in 0..<k { value *= Double(c - i) / Double(n - i) }
        return value
    }

    /// The mean over tasks of each task's estimate: the suite-level pass^k.
    public static func mean(_ tasks: [(trials: Int, successes: Int)], k: Int) -> Double? {
        let values = tasks.compactMap { estimate(trials: $0.trials, successes: $0.successes, k: k) }
        guard !values.isEmpty, values.count == tasks.count else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}

import Foundation
import ImproveCore

/// Replicates of one evolution setting across seeds: one row per seed and, because one seed is
/// not a result, the mean and a 95% interval of the key figures across them.
public struct ReplicateSummary: Codable, Sendable, Equatable {
    /// One replicate.
    public struct Row: Codable, Sendable, Equatable {
        /// The replicate's seed.
        public var seed: UInt64
        /// Its run in the store.
        public var runID: String
        /// The gate's verdict.
        public var verdict: GateDecision
        /// Search means of the baseline and the champion.
        public var baselineSearch: Double
        public var championSearch: Double
        /// Holdout means of the baseline and the gated winner (nil when none reached it).
        public var baselineHoldout: Double?
        public var winnerHoldout: Double?
        /// Winner minus baseline mean on the holdout slice (0 when no candidate reached it).
        public var holdoutLift: Double
        /// The champion's task tokens per item.
        public var championTokensPerItem: Double
        /// Metric calls and tokens the replicate spent.
        public var metricCalls: Int
        public var tokens: Int
    }

    /// One row per seed, in the order given.
    public var rows: [Row]
    /// The champion's search mean across seeds.
    public var championSearch: SeedInterval
    /// Champion minus baseline search mean across seeds.
    public var searchLift: SeedInterval
    /// Winner minus baseline holdout mean across seeds.
    public var holdoutLift: SeedInterval
    /// Verdict to the number of seeds that reached it.
    public var verdicts: [String: Int]
    /// Where `replicates.json` and `replicates.csv` were written.
    public var files: [String: String] = [:]

    init(_ outcomes: [(seed: UInt64, outcome: ImproveOutcome)]) {
        rows = outcomes.map { seed, outcome in
            let lift = (outcome.winnerHoldoutMean ?? outcome.baselineHoldoutMean ?? 0) - (outcome.baselineHoldoutMean ?? 0)
            return Row(
                seed: seed, runID: outcome.runID, verdict: outcome.verdict, baselineSearch: outcome.baselineSearchMean,
                championSearch: outcome.evolution?.championSearchScore ?? outcome.winnerSearchMean, baselineHoldout: outcome.baselineHoldoutMean,
                winnerHoldout: outcome.winnerHoldoutMean, holdoutLift: lift,
                championTokensPerItem: outcome.evolution?.championCost.tokensPerItem ?? 0, metricCalls: outcome.metricCalls, tokens: outcome.usage.totalTokens)
        }
        championSearch = SeedInterval(rows.map(\.championSearch))
        searchLift = SeedInterval(rows.map { $0.championSearch - $0.baselineSearch })
        holdoutLift = SeedInterval(rows.map(\.holdoutLift))
        verdicts = rows.reduce(into: [:]) { $0[$1.verdict.rawValue, default: 0] += 1 }
    }

    /// Writes `replicates.json` and `replicates.csv` into `directory`, recording their paths.
    mutating func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let csvURL = directory.appendingPathComponent("replicates.csv")
        let jsonURL = directory.appendingPathComponent("replicates.json")
        files = ["csv": csvURL.path, "json": jsonURL.path]
        let f = { (value: Double?) in value.map { String(format: "%.4f", $0) } ?? "" }
        var csv = ["seed,run_id,verdict,baseline_search,champion_search,baseline_holdout,winner_holdout,holdout_lift,champion_tokens_per_item,metric_calls,tokens"]
        for row in rows {
            csv.append([
                String(row.seed), row.runID, row.verdict.rawValue, f(row.baselineSearch), f(row.championSearch), f(row.baselineHoldout),
                f(row.winnerHoldout), f(row.holdoutLift), String(format: "%.1f", row.championTokensPerItem), String(row.metricCalls), String(row.tokens),
            ].joined(separator: ","))
        }
        try AtomicFile.write(Data((csv.joined(separator: "\n") + "\n").utf8), to: csvURL)
        try AtomicFile.write(try ResearchTables.json(self), to: jsonURL)
    }
}

/// The mean of a figure across seeds with a two-sided 95% Student-t interval (nil for one seed,
/// where no interval exists).
public struct SeedInterval: Codable, Sendable, Equatable {
    /// Number of seeds.
    public var n: Int
    /// Mean across seeds.
    public var mean: Double
    /// Sample standard deviation across seeds (0 for one seed).
    public var standardDeviation: Double
    /// Bounds of the 95% interval of the mean (nil for one seed).
    public var lower: Double?
    public var upper: Double?

    public init(_ values: [Double]) {
        n = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        let m = mean
        let variance = values.count < 2 ? 0 : values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        standardDeviation = variance.squareRoot()
        if values.count >= 2 {
            let half = Self.tQuantile975(degreesOfFreedom: values.count - 1) * standardDeviation / Double(values.count).squareRoot()
            lower = mean - half
            upper = mean + half
        }
    }

    /// The 0.975 quantile of Student's t (two-sided 95%), tabulated to 30 degrees of freedom.
    static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        return df >= 1 && df <= table.count ? table[df - 1] : 1.960
    }
}

/// Which estimator the paired rule chose.
public enum ComparisonMethod: String, Codable, Sendable {
    /// Pass/fail scores: exact McNemar (sign) test with an exact conditional interval.
    case exactMcNemar
    /// Continuous scores: percentile paired bootstrap interval, sign-flip randomisation p-value.
    case pairedBootstrap
}

/// A two-sided confidence interval on the mean lift (candidate - baseline).
public struct ConfidenceInterval: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var confidence: Double

    public init(lower: Double, upper: Double, confidence: Double) {
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
    }

    /// An interval of zero width carries no information about uncertainty (for example every
    /// pair differs by the same amount, or no pair differs); the gate refuses to decide on it.
    public var hasZeroWidth: Bool { !(upper - lower > 1e-12) }
}

/// Which pairs were present on each arm.
public struct Coverage: Codable, Sendable, Equatable {
    public var baselineResults: Int
    public var candidateResults: Int
    /// Pair labels (`item` or `item#2` for the second repetition) the candidate lacks.
    public var missingInCandidate: [String]
    /// Pair labels the baseline lacks.
    public var missingInBaseline: [String]
    /// Items whose rollout failed (`ItemResult.error`) or whose score is not a finite number.
    public var erroredItems: [String]

    public var isComplete: Bool { missingInCandidate.isEmpty && missingInBaseline.isEmpty && erroredItems.isEmpty }
}

/// The statistics of one paired comparison.
public struct PairedStatistics: Codable, Sendable, Equatable {
    public var method: ComparisonMethod
    public var pairs: Int
    public var meanBaseline: Double
    public var meanCandidate: Double
    /// Mean of (candidate - baseline) over pairs.
    public var lift: Double
    public var interval: ConfidenceInterval
    /// One-sided p-value for "candidate better".
    public var pValue: Double
    /// One-sided p-value for "candidate worse".
    public var pValueWorse: Double
    /// `pValue` after Holm correction across the finalists (equal to `pValue` for one).
    public var adjustedPValue: Double
    public var seed: UInt64
    /// Bootstrap and randomisation resamples (0 for the exact method).
    public var resamples: Int
    /// Pairs where the candidate scored higher / lower.
    public var improved: Int
    public var regressed: Int
}

/// The outcome of ``PairedComparison``: coverage always, statistics only with full coverage.
public struct PairedComparisonResult: Codable, Sendable, Equatable {
    public var candidateID: String
    public var coverage: Coverage
    /// Nil when pairs are missing or errored: no verdict.
    public var statistics: PairedStatistics?

    /// True when the interval is valid, its lower bound clears `minLift` and the adjusted
    /// one-sided p-value is below `alpha`.
    public func showsImprovement(minLift: Double, alpha: Double) -> Bool {
        guard let statistics, !statistics.interval.hasZeroWidth else { return false }
        return statistics.interval.lower > minLift && statistics.adjustedPValue < alpha
    }

    /// True when the whole interval lies below zero and the one-sided "worse" p-value is below `alpha`.
    public func showsRegression(alpha: Double) -> Bool {
        guard let statistics, !statistics.interval.hasZeroWidth else { return false }
        return statistics.interval.upper < 0 && statistics.pValueWorse < alpha
    }
}

import ImproveCore

/// What the promotion gate decided.
public enum GateDecision: String, Codable, Sendable {
    /// The candidate is shown better on the holdout and every check passed.
    case ship
    /// Not shown better (or a check could not be evaluated): keep the baseline.
    case hold
    /// Shown significantly worse, or a hard cost/latency ceiling is exceeded.
    case reject
}

/// The state of one named check. `notEvaluated` holds the verdict; `skipped` means the check
/// does not apply (not configured, or its input is not part of this comparison) and is neutral.
public enum CheckStatus: String, Codable, Sendable {
    case pass, fail, notEvaluated, skipped
}

/// The named checks of the gate, in the order they are reported.
public enum GateCheckName: String, Codable, Sendable, CaseIterable {
    case coverage, minimumPairs, significantLift, multipleComparisons, noOpGuard, overfitGap, dimensionRegression, costCeiling, latencyCeiling, excludedTrials
}

/// One check with its status and a sentence saying why.
public struct GateCheck: Codable, Sendable, Equatable {
    public var name: GateCheckName
    public var status: CheckStatus
    public var detail: String

    public init(name: GateCheckName, status: CheckStatus, detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }
}

/// The gate's verdict with everything needed to understand and recompute it.
public struct GateVerdict: Codable, Sendable, Equatable {
    public var decision: GateDecision
    /// The finalist the verdict is about (nil when there was none).
    public var winnerID: String?
    public var checks: [GateCheck]
    /// Human sentences: why this decision.
    public var reasons: [String]
    /// Every finalist's comparison with the baseline, Holm-adjusted together.
    public var comparisons: [PairedComparisonResult]
    /// Winner minus baseline mean for every scorer dimension both arms recorded.
    public var dimensionDeltas: [String: Double]
    /// Winner / baseline mean cost and latency per item, when computable.
    public var costRatio: Double?
    public var latencyRatio: Double?
    public var settings: GateSettings

    /// The winner's comparison.
    public var winner: PairedComparisonResult? {
        comparisons.first { $0.candidateID == winnerID }
    }

    public func check(_ name: GateCheckName) -> GateCheck? {
        checks.first { $0.name == name }
    }
}

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

/// The name a gate check is reported under (in the verdict, the audit record and the report).
///
/// A string, so a check added outside the package (see ``PromotionCheck``) names itself;
/// the built-in names are constants below, stored exactly as before.
public struct GateCheckName: RawRepresentable, Codable, Hashable, Sendable, CaseIterable, ExpressibleByStringLiteral {
    /// The name as stored and shown.
    public let rawValue: String

    /// The name `rawValue`.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The name `value`.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// Both arms cover the same holdout pairs, without failed rollouts.
    public static let coverage: GateCheckName = "coverage"
    /// At least `gate.minPairs` pairs.
    public static let minimumPairs: GateCheckName = "minimumPairs"
    /// The lift's lower bound clears `gate.minLift` at the policy's confidence.
    public static let significantLift: GateCheckName = "significantLift"
    /// Holm correction across several finalists.
    public static let multipleComparisons: GateCheckName = "multipleComparisons"
    /// The winner changes something.
    public static let noOpGuard: GateCheckName = "noOpGuard"
    /// The search gain carries to the holdout (`gate.maxOverfitGap`).
    public static let overfitGap: GateCheckName = "overfitGap"
    /// No scorer dimension drops by more than `gate.maxDimensionRegression`.
    public static let dimensionRegression: GateCheckName = "dimensionRegression"
    /// Cost per item within `gate.maxCostRatio` of the baseline's.
    public static let costCeiling: GateCheckName = "costCeiling"
    /// Latency per item within `gate.maxLatencyRatio` of the baseline's.
    public static let latencyCeiling: GateCheckName = "latencyCeiling"
    /// Few enough persona trials excluded (`gate.maxExcludedFraction`).
    public static let excludedTrials: GateCheckName = "excludedTrials"

    /// The built-in checks' names, in the order they are reported.
    public static var allCases: [GateCheckName] { GateCheckRegistry.builtIn.names }
}

/// One check with its status and a sentence saying why.
public struct GateCheck: Codable, Sendable, Equatable {
    /// The check's name.
    public var name: GateCheckName
    /// Its outcome.
    public var status: CheckStatus
    /// One sentence saying why.
    public var detail: String

    /// A check result.
    public init(name: GateCheckName, status: CheckStatus, detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }
}

/// The gate's verdict with everything needed to understand and recompute it.
public struct GateVerdict: Codable, Sendable, Equatable {
    /// Ship, hold or reject.
    public var decision: GateDecision
    /// The finalist the verdict is about (nil when there was none).
    public var winnerID: String?
    /// Every check, in the order of the run's ``GateCheckRegistry``.
    public var checks: [GateCheck]
    /// Human sentences: why this decision.
    public var reasons: [String]
    /// Every finalist's comparison with the baseline, Holm-adjusted together.
    public var comparisons: [PairedComparisonResult]
    /// Winner minus baseline mean for every scorer dimension both arms recorded.
    public var dimensionDeltas: [String: Double]
    /// Winner / baseline mean cost and latency per item, when computable.
    public var costRatio: Double?
    /// Winner / baseline mean latency per item, when computable.
    public var latencyRatio: Double?
    /// The gate settings the verdict was computed with.
    public var settings: GateSettings

    /// The winner's comparison.
    public var winner: PairedComparisonResult? {
        comparisons.first { $0.candidateID == winnerID }
    }

    /// The check named `name`, if it ran.
    public func check(_ name: GateCheckName) -> GateCheck? {
        checks.first { $0.name == name }
    }
}

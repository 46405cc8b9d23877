import ImproveCore

// The built-in checks of ``GateCheckRegistry/builtIn``; each reads its own policy setting
// (`gate.*` in policy.yaml) and delegates the arithmetic to ``GateChecks``.

/// Both arms cover the same pairs; no verdict without full paired coverage.
public struct CoverageCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/coverage``.
    public var name: GateCheckName { .coverage }
    /// Fails on missing or errored pairs.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck { GateChecks.coverage(evidence.comparison) }
}

/// At least `gate.minPairs` pairs.
public struct MinimumPairsCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/minimumPairs``.
    public var name: GateCheckName { .minimumPairs }
    /// Fails below `gate.minPairs`.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        GateChecks.minimumPairs(evidence.comparison, minPairs: evidence.settings.minPairs)
    }
}

/// The interval's lower bound exceeds `gate.minLift` and p is below alpha (`gate.confidence`).
public struct SignificantLiftCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/significantLift``.
    public var name: GateCheckName { .significantLift }
    /// Fails when the lift is not shown.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        GateChecks.significantLift(evidence.comparison, minLift: evidence.settings.minLift, alpha: evidence.alpha)
    }
}

/// Holm-adjusted p below alpha when several finalists (`gate.finalists`) were compared.
public struct MultipleComparisonsCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/multipleComparisons``.
    public var name: GateCheckName { .multipleComparisons }
    /// Skipped for one finalist.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        GateChecks.multipleComparisons(evidence.comparison, finalists: evidence.finalistCount, alpha: evidence.alpha)
    }
}

/// The winner changes at least one component.
public struct NoOpGuardCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/noOpGuard``.
    public var name: GateCheckName { .noOpGuard }
    /// Fails when the winner equals the baseline.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        GateChecks.noOp(evidence.finalist.components, baseline: evidence.baselineComponents)
    }
}

/// The search lift minus the holdout lift is at most `gate.maxOverfitGap`.
public struct OverfitGapCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/overfitGap``.
    public var name: GateCheckName { .overfitGap }
    /// Skipped without a search lift.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        GateChecks.overfit(evidence.comparison, searchLift: evidence.finalist.searchLift, maxGap: evidence.settings.maxOverfitGap)
    }
}

/// No scorer dimension drops by more than `gate.maxDimensionRegression`.
public struct DimensionRegressionCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/dimensionRegression``.
    public var name: GateCheckName { .dimensionRegression }
    /// Fails on a regression.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        GateChecks.dimensions(
            baseline: evidence.baseline, candidate: evidence.finalist.holdout, coverage: evidence.comparison.coverage,
            maxRegression: evidence.settings.maxDimensionRegression
        ).check
    }
}

/// Mean cost per item at most `gate.maxCostRatio` times the baseline's; breaking it rejects.
public struct CostCeilingCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/costCeiling``.
    public var name: GateCheckName { .costCeiling }
    /// A hard ceiling.
    public var rejectsOnFailure: Bool { true }
    /// Skipped without a configured ceiling.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck { Self.measure(evidence).check }
    /// The check and the winner/baseline ratio.
    static func measure(_ evidence: GateEvidence) -> (check: GateCheck, ratio: Double?) {
        GateChecks.ceiling(.costCeiling, baseline: evidence.baseline, candidate: evidence.finalist.holdout, limit: evidence.settings.maxCostRatio, measure: { $0.usage.cost }, unit: "cost")
    }
}

/// Mean latency per item at most `gate.maxLatencyRatio` times the baseline's; breaking it rejects.
public struct LatencyCeilingCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/latencyCeiling``.
    public var name: GateCheckName { .latencyCeiling }
    /// A hard ceiling.
    public var rejectsOnFailure: Bool { true }
    /// Skipped without a configured ceiling.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck { Self.measure(evidence).check }
    /// The check and the winner/baseline ratio.
    static func measure(_ evidence: GateEvidence) -> (check: GateCheck, ratio: Double?) {
        GateChecks.ceiling(.latencyCeiling, baseline: evidence.baseline, candidate: evidence.finalist.holdout, limit: evidence.settings.maxLatencyRatio, measure: { $0.latencyMs }, unit: "latency")
    }
}

/// At most `gate.maxExcludedFraction` of the persona trials excluded from the pairs.
public struct ExcludedTrialsCheck: PromotionCheck {
    /// Creates the check.
    public init() {}
    /// ``GateCheckName/excludedTrials``.
    public var name: GateCheckName { .excludedTrials }
    /// Skipped without persona trials.
    public func evaluate(_ evidence: GateEvidence) -> GateCheck {
        evidence.excluded?.check(limit: evidence.settings.excludedFractionLimit)
            ?? GateCheck(name: .excludedTrials, status: .skipped, detail: "no persona trials in the holdout")
    }
}

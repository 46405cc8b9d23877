import ImproveCore

/// What a gate check sees: the winning finalist against the baseline on the holdout.
public struct GateEvidence: Sendable {
    /// The baseline's holdout results (excluded persona trials removed).
    public let baseline: [ItemResult]
    /// The baseline's components (nil when not supplied, e.g. `improve-cli gate`).
    public let baselineComponents: [String: String]?
    /// The finalist the verdict is about.
    public let finalist: GateFinalist
    /// Its paired comparison with the baseline (Holm-adjusted with the other finalists).
    public let comparison: PairedComparisonResult
    /// How many finalists reached the holdout.
    public let finalistCount: Int
    /// The policy's gate settings.
    public let settings: GateSettings
    /// Persona trials excluded from every arm (nil: not computed, e.g. `improve-cli gate`).
    public let excluded: ExcludedTrials?

    /// One minus the policy's confidence.
    public var alpha: Double { 1 - settings.confidence }

    /// Evidence about `finalist`.
    public init(baseline: [ItemResult], baselineComponents: [String: String]?, finalist: GateFinalist, comparison: PairedComparisonResult, finalistCount: Int, settings: GateSettings, excluded: ExcludedTrials?) {
        self.baseline = baseline
        self.baselineComponents = baselineComponents
        self.finalist = finalist
        self.comparison = comparison
        self.finalistCount = finalistCount
        self.settings = settings
        self.excluded = excluded
    }
}

/// One named check of the promotion gate: its name, what failing it means, and how it
/// judges the evidence — everything about the check in one place. The verdict, the audit
/// record and the report show every check by ``name``.
///
/// A check that a user tunes reads its settings from `gate.checks.<name>` in policy.yaml and
/// lists their keys in ``policyKeys``; they are part of the policy, so of the run's identity.
///
/// To add a check, write one file with a type conforming to `PromotionCheck`, then add it to
/// ``GateCheckRegistry/builtIn`` — or, from outside the package, pass
/// `GateCheckRegistry.builtIn + [MyCheck()]` in ``ImproveOptions/gateChecks``. A `fail` or
/// `notEvaluated` holds the run; `pass` and `skipped` let it ship.
public protocol PromotionCheck: Sendable {
    /// The name the check is reported under.
    var name: GateCheckName { get }
    /// True when a failure rejects the candidate outright (a hard ceiling) instead of holding.
    var rejectsOnFailure: Bool { get }
    /// The keys the check reads from `gate.checks.<name>` in policy.yaml (through
    /// ``GateEvidence/setting(_:of:)``); preflight rejects any other key.
    var policyKeys: [String] { get }
    /// The check's status and a sentence saying why.
    func evaluate(_ evidence: GateEvidence) -> GateCheck
}

extension PromotionCheck {
    /// A failure holds.
    public var rejectsOnFailure: Bool { false }
    /// Reads no policy settings of its own.
    public var policyKeys: [String] { [] }
}

/// The checks of the promotion gate, in the order they are reported.
///
/// ``builtIn`` is the one list of the checks `improve` ships. There is no global
/// registration: a run names its checks in ``ImproveOptions/gateChecks``.
public struct GateCheckRegistry: Sendable {
    /// The checks, in report order.
    public let checks: [any PromotionCheck]

    /// The checks `improve` ships. Adding a check: one file, one line here.
    public static let builtIn = GateCheckRegistry([
        CoverageCheck(),
        MinimumPairsCheck(),
        SignificantLiftCheck(),
        MultipleComparisonsCheck(),
        NoOpGuardCheck(),
        OverfitGapCheck(),
        DimensionRegressionCheck(),
        CostCeilingCheck(),
        LatencyCeilingCheck(),
        ExcludedTrialsCheck(),
    ])

    /// A registry of `checks`; a later check with the same name replaces an earlier one.
    public init(_ checks: [any PromotionCheck]) {
        self.checks = checks.replacingEarlier { $0.name }
    }

    /// The checks' names, in report order.
    public var names: [GateCheckName] { checks.map(\.name) }

    /// The names of checks whose failure rejects.
    public var rejecting: Set<GateCheckName> { Set(checks.filter(\.rejectsOnFailure).map(\.name)) }

    /// This registry with `extra` checks appended (replacing built-ins of the same name).
    public static func + (registry: GateCheckRegistry, extra: [any PromotionCheck]) -> GateCheckRegistry {
        GateCheckRegistry(registry.checks + extra)
    }
}

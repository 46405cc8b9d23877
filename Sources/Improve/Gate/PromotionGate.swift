import Foundation
import ImproveCore

/// Decides `ship | hold | reject` for the finalists of a run against the baseline, on the
/// holdout split, by the policy's `GateSettings`.
///
/// Every check is reported by name. Any `fail` or `notEvaluated` holds; a candidate that is
/// significantly worse, or breaks a configured cost or latency ceiling, is rejected. The
/// verdict is a pure function of its inputs (the bootstrap uses the settings' seed).
public enum PromotionGate {
    /// - Parameters:
    ///   - baseline: the baseline's holdout results.
    ///   - baselineComponents: the baseline's components (nil skips the no-op guard).
    ///   - finalists: the candidates that reached the holdout.
    ///   - settings: the policy's gate settings.
    ///   - excluded: persona trials already removed from every arm because the
    ///     simulator or the infrastructure failed; checked against `gate.maxExcludedFraction`.
    ///   - registry: the checks to run, in report order (``GateCheckRegistry/builtIn``
    ///     unless a run adds its own).
    public static func evaluate(baseline: [ItemResult], baselineComponents: [String: String]? = nil, finalists: [GateFinalist], settings: GateSettings, excluded: ExcludedTrials? = nil, checks registry: GateCheckRegistry = .builtIn) -> GateVerdict {
        let alpha = 1 - settings.confidence
        let comparisons = PairedComparison.compareFinalists(baseline: baseline, finalists: finalists.map { ($0.id, $0.holdout) }, settings: settings)
        guard let winnerIndex = pickWinner(comparisons) else {
            return GateVerdict(
                decision: .hold, winnerID: nil,
                checks: registry.names.map { GateCheck(name: $0, status: .notEvaluated, detail: "no finalist reached the holdout") },
                reasons: ["No candidate reached the holdout, so there is nothing to promote."],
                comparisons: [], dimensionDeltas: [:], costRatio: nil, latencyRatio: nil, settings: settings)
        }
        let finalist = finalists[winnerIndex]
        let comparison = comparisons[winnerIndex]
        let evidence = GateEvidence(
            baseline: baseline, baselineComponents: baselineComponents, finalist: finalist, comparison: comparison,
            finalistCount: finalists.count, settings: settings, excluded: excluded)
        // The verdict's figures, reported whichever checks run.
        let dimensions = GateChecks.dimensions(baseline: baseline, candidate: finalist.holdout, coverage: comparison.coverage, maxRegression: settings.maxDimensionRegression)
        let cost = CostCeilingCheck.measure(evidence)
        let latency = LatencyCeilingCheck.measure(evidence)
        let checks = registry.checks.map { $0.evaluate(evidence) }
        let rejecting = registry.rejecting
        let regression = comparison.showsRegression(alpha: alpha)
        let ceilingBroken = checks.contains { rejecting.contains($0.name) && $0.status == .fail }
        let decision: GateDecision
        if regression || ceilingBroken {
            decision = .reject
        } else if checks.allSatisfy({ $0.status == .pass || $0.status == .skipped }) {
            decision = .ship
        } else {
            decision = .hold
        }
        return GateVerdict(
            decision: decision, winnerID: finalist.id, checks: checks,
            reasons: reasons(decision: decision, comparison: comparison, checks: checks, regression: regression, rejecting: rejecting),
            comparisons: comparisons, dimensionDeltas: dimensions.deltas, costRatio: cost.ratio, latencyRatio: latency.ratio, settings: settings)
    }

    /// The finalist with the smallest adjusted p-value (then the larger lift, then input
    /// order); finalists without statistics only when no finalist has any.
    static func pickWinner(_ comparisons: [PairedComparisonResult]) -> Int? {
        guard !comparisons.isEmpty else { return nil }
        let scored = comparisons.indices.filter { comparisons[$0].statistics != nil }
        guard let first = scored.first else { return 0 }
        return scored.dropFirst().reduce(first) { best, index in
            guard let a = comparisons[index].statistics, let b = comparisons[best].statistics else { return best }
            if a.adjustedPValue != b.adjustedPValue { return a.adjustedPValue < b.adjustedPValue ? index : best }
            return a.lift > b.lift ? index : best
        }
    }

    /// - Parameter rejecting: the checks whose failure rejects (the cost and latency ceilings).
    static func reasons(decision: GateDecision, comparison: PairedComparisonResult, checks: [GateCheck], regression: Bool, rejecting: Set<GateCheckName> = GateCheckRegistry.builtIn.rejecting) -> [String] {
        var reasons: [String] = []
        let summary = comparison.statistics.map { GateText.summary($0, candidate: comparison.candidateID) }
        switch decision {
        case .ship:
            reasons.append("Ship: \(summary ?? comparison.candidateID) and every check passed.")
        case .reject:
            if regression, let summary { reasons.append("Reject: the candidate is significantly worse — \(summary).") }
            for check in checks where check.status == .fail && rejecting.contains(check.name) {
                reasons.append("Reject: \(check.detail)")
            }
        case .hold:
            if let summary { reasons.append("Hold: \(summary).") }
        }
        if decision != .ship {
            for check in checks where check.status == .fail || check.status == .notEvaluated {
                let sentence = "\(check.name.rawValue) \(check.status == .fail ? "failed" : "not evaluated"): \(check.detail)"
                if !reasons.contains(where: { $0.hasSuffix(check.detail) }) { reasons.append(sentence) }
            }
        }
        return reasons
    }
}

/// Number formatting shared by check details and reasons.
enum GateText {
    static func fmt(_ value: Double, _ digits: Int = 3) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func pValue(_ p: Double) -> String {
        p < 0.0001 ? String(format: "%.1e", p) : fmt(p, 4)
    }

    static func summary(_ s: PairedStatistics, candidate: String) -> String {
        let method = s.method == .exactMcNemar ? "exact McNemar" : "paired bootstrap (seed \(s.seed), \(s.resamples) resamples)"
        let percent = Int((s.interval.confidence * 100).rounded())
        return "candidate \(candidate.prefix(12)) scores \(fmt(s.meanCandidate)) vs baseline \(fmt(s.meanBaseline)) on \(s.pairs) pairs, lift \(s.lift >= 0 ? "+" : "")\(fmt(s.lift)), \(percent)% interval [\(fmt(s.interval.lower)), \(fmt(s.interval.upper))], one-sided p \(pValue(s.pValue)) (adjusted \(pValue(s.adjustedPValue))), \(method)"
    }
}

import Foundation
import ImproveCore

/// The individual checks of ``PromotionGate``, one function each.
enum GateChecks {
    static func coverage(_ c: PairedComparisonResult) -> GateCheck {
        let cov = c.coverage
        if cov.isComplete {
            let n = c.statistics?.pairs ?? 0
            return n > 0
                ? GateCheck(name: .coverage, status: .pass, detail: "both arms cover the same \(n) pairs")
                : GateCheck(name: .coverage, status: .fail, detail: "there are no holdout results to pair")
        }
        var parts: [String] = []
        if !cov.missingInCandidate.isEmpty { parts.append("the candidate lacks \(list(cov.missingInCandidate))") }
        if !cov.missingInBaseline.isEmpty { parts.append("the baseline lacks \(list(cov.missingInBaseline))") }
        if !cov.erroredItems.isEmpty { parts.append("rollouts failed for \(list(cov.erroredItems))") }
        return GateCheck(name: .coverage, status: .fail, detail: parts.joined(separator: "; ") + "; no verdict without full paired coverage")
    }

    static func minimumPairs(_ c: PairedComparisonResult, minPairs: Int) -> GateCheck {
        guard let s = c.statistics else { return notEvaluated(.minimumPairs) }
        return s.pairs >= minPairs
            ? GateCheck(name: .minimumPairs, status: .pass, detail: "\(s.pairs) pairs, at least the required \(minPairs)")
            : GateCheck(name: .minimumPairs, status: .fail, detail: "only \(s.pairs) pairs, the policy requires \(minPairs) (gate.minPairs)")
    }

    static func significantLift(_ c: PairedComparisonResult, minLift: Double, alpha: Double) -> GateCheck {
        guard let s = c.statistics else { return notEvaluated(.significantLift) }
        if s.interval.hasZeroWidth {
            return GateCheck(name: .significantLift, status: .notEvaluated, detail: "the interval [\(GateText.fmt(s.interval.lower)), \(GateText.fmt(s.interval.upper))] has zero width (every pair differs by the same amount), which is not a valid interval")
        }
        let bound = "lower bound \(GateText.fmt(s.interval.lower)) vs minLift \(GateText.fmt(minLift)), one-sided p \(GateText.pValue(s.pValue)) vs alpha \(GateText.fmt(alpha, 3))"
        if s.interval.lower > minLift && s.pValue < alpha {
            return GateCheck(name: .significantLift, status: .pass, detail: bound)
        }
        return GateCheck(name: .significantLift, status: .fail, detail: "the lift is not shown: \(bound)")
    }

    static func multipleComparisons(_ c: PairedComparisonResult, finalists: Int, alpha: Double) -> GateCheck {
        guard finalists > 1 else {
            return GateCheck(name: .multipleComparisons, status: .skipped, detail: "one finalist, no correction needed")
        }
        guard let s = c.statistics else { return notEvaluated(.multipleComparisons) }
        let text = "Holm-adjusted p \(GateText.pValue(s.adjustedPValue)) across \(finalists) finalists vs alpha \(GateText.fmt(alpha, 3))"
        return GateCheck(name: .multipleComparisons, status: s.adjustedPValue < alpha ? .pass : .fail, detail: text)
    }

    static func noOp(_ candidate: [String: String]?, baseline: [String: String]?) -> GateCheck {
        guard let candidate, let baseline else {
            return GateCheck(name: .noOpGuard, status: .skipped, detail: "components not supplied")
        }
        return candidate == baseline
            ? GateCheck(name: .noOpGuard, status: .fail, detail: "the winner's components are identical to the baseline's; there is nothing to ship")
            : GateCheck(name: .noOpGuard, status: .pass, detail: "the winner changes \(candidate.keys.filter { candidate[$0] != baseline[$0] }.count + baseline.keys.filter { candidate[$0] == nil }.count) component(s)")
    }

    static func overfit(_ c: PairedComparisonResult, searchLift: Double?, maxGap: Double) -> GateCheck {
        guard let searchLift else {
            return GateCheck(name: .overfitGap, status: .skipped, detail: "no search-split lift supplied")
        }
        guard let s = c.statistics else { return notEvaluated(.overfitGap) }
        let gap = searchLift - s.lift
        let text = "search lift \(GateText.fmt(searchLift)) - holdout lift \(GateText.fmt(s.lift)) = \(GateText.fmt(gap)), allowed \(GateText.fmt(maxGap))"
        return GateCheck(name: .overfitGap, status: gap <= maxGap ? .pass : .fail, detail: gap <= maxGap ? text : "the search gain does not carry to the holdout: \(text)")
    }

    static func dimensions(baseline: [ItemResult], candidate: [ItemResult], coverage: Coverage, maxRegression: Double) -> (check: GateCheck, deltas: [String: Double]) {
        let names = Set((baseline + candidate).flatMap(\.dimensions.keys)).sorted()
        guard !names.isEmpty else {
            return (GateCheck(name: .dimensionRegression, status: .skipped, detail: "no scorer dimensions recorded"), [:])
        }
        guard coverage.isComplete else { return (notEvaluated(.dimensionRegression), [:]) }
        var deltas: [String: Double] = [:]
        var incomplete: [String] = []
        var regressions: [String] = []
        for name in names {
            // A dimension need not be on every result (a mixed suite's item scorers are not on
            // its persona trials), but it must be on the same items in both arms.
            let carriers = { (results: [ItemResult]) in results.filter { $0.dimensions[name] != nil }.map(\.itemID).sorted() }
            let b = baseline.compactMap { $0.dimensions[name] }
            let c = candidate.compactMap { $0.dimensions[name] }
            guard carriers(baseline) == carriers(candidate), !b.isEmpty, !c.isEmpty else {
                incomplete.append(name)
                continue
            }
            let delta = c.reduce(0, +) / Double(c.count) - b.reduce(0, +) / Double(b.count)
            guard delta.isFinite else { incomplete.append(name); continue }
            deltas[name] = delta
            if -delta > maxRegression { regressions.append("\(name) \(GateText.fmt(delta))") }
        }
        if !regressions.isEmpty {
            return (GateCheck(name: .dimensionRegression, status: .fail, detail: "dimensions drop by more than \(GateText.fmt(maxRegression)): \(regressions.joined(separator: ", "))"), deltas)
        }
        if !incomplete.isEmpty {
            return (GateCheck(name: .dimensionRegression, status: .notEvaluated, detail: "dimensions \(incomplete.joined(separator: ", ")) are not recorded on the same results of both arms"), deltas)
        }
        return (GateCheck(name: .dimensionRegression, status: .pass, detail: "no dimension drops by more than \(GateText.fmt(maxRegression)) (\(names.count) checked)"), deltas)
    }

    static func ceiling(_ name: GateCheckName, baseline: [ItemResult], candidate: [ItemResult], limit: Double?, measure: (RolloutTrace) -> Double, unit: String) -> (check: GateCheck, ratio: Double?) {
        let b = baseline.compactMap { $0.trace.map(measure) }
        let c = candidate.compactMap { $0.trace.map(measure) }
        let complete = !b.isEmpty && !c.isEmpty && b.count == baseline.count && c.count == candidate.count
        let meanB = b.reduce(0, +) / Double(max(1, b.count))
        let meanC = c.reduce(0, +) / Double(max(1, c.count))
        let ratio: Double? = !complete ? nil : meanB > 0 ? meanC / meanB : (meanC == 0 ? 1 : nil)
        guard let limit else {
            return (GateCheck(name: name, status: .skipped, detail: "no \(unit) ceiling configured"), ratio.flatMap { $0.isFinite ? $0 : nil })
        }
        guard complete else {
            return (GateCheck(name: name, status: .notEvaluated, detail: "a \(unit) ceiling is configured but some results carry no trace to measure \(unit)"), nil)
        }
        guard let ratio, ratio.isFinite else {
            return (GateCheck(name: name, status: .fail, detail: "the baseline's mean \(unit) is 0 and the winner's is \(GateText.fmt(meanC, 6)); the ratio is unbounded (limit \(GateText.fmt(limit, 2))x)"), nil)
        }
        let text = "winner/baseline mean \(unit) per item \(GateText.fmt(ratio, 2))x, limit \(GateText.fmt(limit, 2))x"
        return (GateCheck(name: name, status: ratio <= limit ? .pass : .fail, detail: ratio <= limit ? text : "the \(unit) ceiling is exceeded: \(text)"), ratio)
    }

    static func notEvaluated(_ name: GateCheckName) -> GateCheck {
        GateCheck(name: name, status: .notEvaluated, detail: "no paired statistics (coverage is incomplete)")
    }

    static func list(_ items: [String]) -> String {
        items.count <= 5 ? items.joined(separator: ", ") : items.prefix(5).joined(separator: ", ") + " and \(items.count - 5) more"
    }
}

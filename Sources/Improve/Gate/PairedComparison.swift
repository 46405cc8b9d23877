import ImproveCore

/// The one paired decision rule every gate uses.
///
/// Results are paired by item id and repetition (the k-th result for an item in one arm
/// pairs with the k-th in the other). Both arms must cover exactly the same pairs and no
/// result may carry a rollout `error`; otherwise there is no verdict (statistics are nil).
///
/// The estimator follows the outcome shape:
/// - every score in {0, 1} (pass/fail): the exact McNemar / sign test on discordant pairs for
///   the p-value and the exact conditional interval on the difference in pass rates
///   (``ExactMcNemar/differenceInterval(improved:regressed:pairs:confidence:)``), so test and
///   interval cannot disagree;
/// - otherwise (continuous): a percentile paired bootstrap of the mean difference for the
///   interval, and a seeded sign-flip randomisation test for the p-value (valid at any n,
///   where the bootstrap alone under-covers for small n).
///
/// Improvement is shown only when the interval has non-zero width, its lower bound exceeds
/// `minLift`, and the (Holm-adjusted) one-sided p-value is below alpha = 1 - confidence.
public enum PairedComparison {
    /// Compares one candidate with the baseline. `adjustedPValue` equals `pValue` here;
    /// use ``compareFinalists(baseline:finalists:settings:)`` when several candidates compete.
    public static func compare(baseline: [ItemResult], candidate: [ItemResult], candidateID: String = "candidate", settings: GateSettings) -> PairedComparisonResult {
        let pairing = pair(baseline: baseline, candidate: candidate)
        guard pairing.coverage.isComplete, !pairing.pairs.isEmpty else {
            return PairedComparisonResult(candidateID: candidateID, coverage: pairing.coverage, statistics: nil)
        }
        let stats = statistics(pairs: pairing.pairs, settings: settings)
        return PairedComparisonResult(candidateID: candidateID, coverage: pairing.coverage, statistics: stats)
    }

    /// Compares every finalist with the baseline and Holm-adjusts their one-sided p-values as
    /// one family. A finalist without a verdict enters the family with p = 1, so dropping a
    /// broken finalist can never make the others look stronger.
    public static func compareFinalists(baseline: [ItemResult], finalists: [(id: String, results: [ItemResult])], settings: GateSettings) -> [PairedComparisonResult] {
        var results = finalists.map { compare(baseline: baseline, candidate: $0.results, candidateID: $0.id, settings: settings) }
        let adjusted = HolmBonferroni.adjust(results.map { $0.statistics?.pValue ?? 1 })
        for index in results.indices { results[index].statistics?.adjustedPValue = adjusted[index] }
        return results
    }

    /// Recomputes the statistics for already paired scores (used by the audit verifier).
    public static func statistics(baselineScores: [Double], candidateScores: [Double], settings: GateSettings) -> PairedStatistics? {
        guard baselineScores.count == candidateScores.count, !baselineScores.isEmpty else { return nil }
        return statistics(pairs: zip(baselineScores, candidateScores).map { ($0, $1) }, settings: settings)
    }

    static func statistics(pairs: [(baseline: Double, candidate: Double)], settings: GateSettings) -> PairedStatistics {
        let n = pairs.count
        let meanBaseline = pairs.reduce(0) { $0 + $1.baseline } / Double(n)
        let meanCandidate = pairs.reduce(0) { $0 + $1.candidate } / Double(n)
        let differences = pairs.map { $0.candidate - $0.baseline }
        let lift = differences.reduce(0, +) / Double(n)
        let binary = pairs.allSatisfy { ($0.baseline == 0 || $0.baseline == 1) && ($0.candidate == 0 || $0.candidate == 1) }
        if binary {
            let improved = differences.filter { $0 > 0 }.count
            let regressed = differences.filter { $0 < 0 }.count
            let interval = ExactMcNemar.differenceInterval(improved: improved, regressed: regressed, pairs: n, confidence: settings.confidence)
            let p = SignTest.pValueGreater(wins: improved, losses: regressed)
            return PairedStatistics(
                method: .exactMcNemar, pairs: n, meanBaseline: meanBaseline, meanCandidate: meanCandidate, lift: lift,
                interval: ConfidenceInterval(lower: interval.lower, upper: interval.upper, confidence: settings.confidence),
                pValue: p, pValueWorse: SignTest.pValueLess(wins: improved, losses: regressed), adjustedPValue: p,
                seed: settings.seed, resamples: 0, improved: improved, regressed: regressed)
        }
        let interval = PairedBootstrap.percentileInterval(differences: differences, confidence: settings.confidence, resamples: settings.bootstrapResamples, seed: settings.seed)
        let p = PairedBootstrap.signFlipPValueGreater(differences: differences, resamples: settings.bootstrapResamples, seed: settings.seed)
        return PairedStatistics(
            method: .pairedBootstrap, pairs: n, meanBaseline: meanBaseline, meanCandidate: meanCandidate, lift: lift,
            interval: ConfidenceInterval(lower: interval.lower, upper: interval.upper, confidence: settings.confidence),
            pValue: p, pValueWorse: PairedBootstrap.signFlipPValueLess(differences: differences, resamples: settings.bootstrapResamples, seed: settings.seed),
            adjustedPValue: p, seed: settings.seed, resamples: settings.bootstrapResamples,
            improved: differences.filter { $0 > 0 }.count, regressed: differences.filter { $0 < 0 }.count)
    }

    /// Pairs results by (item id, repetition) and reports what does not pair.
    static func pair(baseline: [ItemResult], candidate: [ItemResult]) -> (pairs: [(baseline: Double, candidate: Double)], coverage: Coverage) {
        let baseKeyed = keyed(baseline)
        let candKeyed = keyed(candidate)
        var pairs: [(baseline: Double, candidate: Double)] = []
        var missingInCandidate: [String] = []
        for (key, result) in baseKeyed.ordered {
            if let other = candKeyed.byKey[key] {
                pairs.append((result.score, other.score))
            } else {
                missingInCandidate.append(key.label)
            }
        }
        let missingInBaseline = candKeyed.ordered.filter { baseKeyed.byKey[$0.key] == nil }.map(\.key.label)
        let errored = (baseline + candidate).filter(\.isExcluded).map(\.itemID)
        let nonFinite = (baseline + candidate).filter { !$0.score.isFinite }.map(\.itemID)
        let coverage = Coverage(
            baselineResults: baseline.count, candidateResults: candidate.count,
            missingInCandidate: missingInCandidate, missingInBaseline: missingInBaseline,
            erroredItems: Array(Set(errored + nonFinite)).sorted())
        return (coverage.isComplete ? pairs : [], coverage)
    }

    private struct PairKey: Hashable {
        var itemID: String
        var repetition: Int
        var label: String { repetition == 0 ? itemID : "\(itemID)#\(repetition + 1)" }
    }

    private static func keyed(_ results: [ItemResult]) -> (ordered: [(key: PairKey, result: ItemResult)], byKey: [PairKey: ItemResult]) {
        var seen: [String: Int] = [:]
        var ordered: [(key: PairKey, result: ItemResult)] = []
        var byKey: [PairKey: ItemResult] = [:]
        for result in results {
            let repetition = seen[result.itemID, default: 0]
            seen[result.itemID] = repetition + 1
            let key = PairKey(itemID: result.itemID, repetition: repetition)
            ordered.append((key, result))
            byKey[key] = result
        }
        return (ordered, byKey)
    }
}

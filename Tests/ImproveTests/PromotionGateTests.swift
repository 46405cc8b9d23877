import Foundation
import ImproveCore
import Testing
@testable import Improve

@Suite struct PromotionGateTests {
    let settings = GateSettings(minLift: 0, minPairs: 20, bootstrapResamples: 1000)

    func gate(_ b: [ItemResult], _ c: [ItemResult], settings: GateSettings? = nil, searchLift: Double? = nil, components: ([String: String], [String: String])? = nil) -> GateVerdict {
        PromotionGate.evaluate(baseline: b, baselineComponents: components?.0, finalists: [GateFinalist(id: "cand", components: components?.1, holdout: c, searchLift: searchLift)], settings: settings ?? self.settings)
    }

    @Test func clearBinaryImprovementShips() throws {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        let verdict = gate(results(pairs.baseline), results(pairs.candidate))
        let stats = try #require(verdict.winner?.statistics)
        #expect(verdict.decision == .ship)
        #expect(stats.method == .exactMcNemar)
        #expect(stats.pairs == 50 && stats.improved == 15 && stats.regressed == 1)
        #expect(abs(stats.lift - 14.0 / 50) < 1e-12)
        #expect(stats.interval.lower > 0)
        #expect(verdict.check(.significantLift)?.status == .pass)
        #expect(verdict.reasons.first?.hasPrefix("Ship") == true)
    }

    @Test func noDifferenceHoldsWithAZeroWidthInterval() {
        let scores = (0..<30).map { Double($0 % 2) }
        let verdict = gate(results(scores), results(scores))
        #expect(verdict.decision == .hold)
        #expect(verdict.check(.significantLift)?.status == .notEvaluated)
    }

    @Test func identicalContinuousDifferencesAreRefused() {
        let base = (0..<30).map { 0.3 + Double($0 % 5) * 0.1 }
        let verdict = gate(results(base), results(base.map { $0 + 0.1 }))
        #expect(verdict.winner?.statistics?.method == .pairedBootstrap)
        #expect(verdict.winner?.statistics?.interval.hasZeroWidth == true)
        #expect(verdict.decision == .hold)
        #expect(verdict.check(.significantLift)?.detail.contains("zero width") == true)
    }

    @Test func missingPairsGiveNoVerdict() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        let verdict = gate(results(pairs.baseline), Array(results(pairs.candidate).dropLast(2)))
        #expect(verdict.decision == .hold)
        #expect(verdict.winner?.statistics == nil)
        #expect(verdict.check(.coverage)?.status == .fail)
        #expect(verdict.check(.coverage)?.detail.contains("i48") == true)
        #expect(verdict.check(.significantLift)?.status == .notEvaluated)
    }

    @Test func erroredRolloutsAreNotCoverage() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        var candidate = results(pairs.candidate)
        candidate[3].error = "timeout"
        let verdict = gate(results(pairs.baseline), candidate)
        #expect(verdict.decision == .hold)
        #expect(verdict.winner?.coverage.erroredItems == ["i3"])
    }

    @Test func repetitionsPairByOccurrence() {
        let base = [ItemResult(itemID: "a", score: 0), ItemResult(itemID: "a", score: 1), ItemResult(itemID: "b", score: 0)]
        let cand = [ItemResult(itemID: "b", score: 1), ItemResult(itemID: "a", score: 1), ItemResult(itemID: "a", score: 1)]
        let result = PairedComparison.compare(baseline: base, candidate: cand, settings: settings)
        #expect(result.statistics?.pairs == 3)
        #expect(result.statistics?.improved == 2)
        let short = PairedComparison.compare(baseline: base, candidate: Array(cand.prefix(2)), settings: settings)
        #expect(short.coverage.missingInCandidate == ["a#2"])
    }

    @Test func tooFewPairsHold() {
        let pairs = binaryPairs(improved: 12, regressed: 0, bothPass: 2, bothFail: 1)
        let verdict = gate(results(pairs.baseline), results(pairs.candidate))
        #expect(verdict.check(.significantLift)?.status == .pass)
        #expect(verdict.check(.minimumPairs)?.status == .fail)
        #expect(verdict.decision == .hold)
    }

    @Test func minLiftRaisesTheBar() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        var strict = settings
        strict.minLift = 0.2
        let verdict = gate(results(pairs.baseline), results(pairs.candidate), settings: strict)
        #expect(verdict.decision == .hold)
        #expect(verdict.check(.significantLift)?.status == .fail)
    }

    @Test func significantlyWorseIsRejected() {
        let pairs = binaryPairs(improved: 1, regressed: 15, bothPass: 20, bothFail: 14)
        let verdict = gate(results(pairs.baseline), results(pairs.candidate))
        #expect(verdict.decision == .reject)
        #expect(verdict.reasons.first?.contains("significantly worse") == true)
    }

    @Test func noOpGuardHoldsAnUnchangedWinner() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        let same = ["systemPrompt": "x"]
        let verdict = gate(results(pairs.baseline), results(pairs.candidate), components: (same, same))
        #expect(verdict.check(.noOpGuard)?.status == .fail)
        #expect(verdict.decision == .hold)
        let changed = gate(results(pairs.baseline), results(pairs.candidate), components: (same, ["systemPrompt": "y"]))
        #expect(changed.check(.noOpGuard)?.status == .pass)
        #expect(changed.decision == .ship)
    }

    @Test func overfitGapHolds() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        let verdict = gate(results(pairs.baseline), results(pairs.candidate), searchLift: 0.6)
        #expect(verdict.check(.overfitGap)?.status == .fail)
        #expect(verdict.decision == .hold)
        #expect(gate(results(pairs.baseline), results(pairs.candidate), searchLift: 0.3).check(.overfitGap)?.status == .pass)
    }

    @Test func dimensionRegressionHolds() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        let baseDims = Array(repeating: ["format": 1.0], count: 50)
        let candDims = (0..<50).map { ["format": $0 < 10 ? 0.0 : 1.0] } // mean drops by 0.2
        let verdict = gate(results(pairs.baseline, dimensions: baseDims), results(pairs.candidate, dimensions: candDims))
        #expect(verdict.check(.dimensionRegression)?.status == .fail)
        #expect(abs((verdict.dimensionDeltas["format"] ?? 0) + 0.2) < 1e-12)
        #expect(verdict.decision == .hold)
        let partial = (0..<50).map { $0 == 0 ? [:] : ["format": 1.0] }
        #expect(gate(results(pairs.baseline, dimensions: baseDims), results(pairs.candidate, dimensions: partial)).check(.dimensionRegression)?.status == .notEvaluated)
    }

    @Test func costCeilingRejectsAndMissingTracesHold() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        var capped = settings
        capped.maxCostRatio = 1.5
        let verdict = gate(results(pairs.baseline, cost: Array(repeating: 0.001, count: 50)), results(pairs.candidate, cost: Array(repeating: 0.002, count: 50)), settings: capped)
        #expect(verdict.decision == .reject)
        #expect(abs((verdict.costRatio ?? 0) - 2) < 1e-9)
        let untraced = gate(results(pairs.baseline), results(pairs.candidate), settings: capped)
        #expect(untraced.check(.costCeiling)?.status == .notEvaluated)
        #expect(untraced.decision == .hold)
        #expect(gate(results(pairs.baseline), results(pairs.candidate)).check(.costCeiling)?.status == .skipped)
    }

    @Test func latencyCeilingPassesWithinLimit() {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        var capped = settings
        capped.maxLatencyRatio = 1.5
        let verdict = gate(results(pairs.baseline, latency: Array(repeating: 100, count: 50)), results(pairs.candidate, latency: Array(repeating: 120, count: 50)), settings: capped)
        #expect(verdict.check(.latencyCeiling)?.status == .pass)
        #expect(verdict.decision == .ship)
    }

    @Test func holmCorrectionAcrossFinalistsCanHold() {
        // One finalist alone just clears alpha; among three it does not.
        // 20 vs 10 discordant: one-sided p = 0.0494, under alpha/2 = 0.05 alone, 0.148 after Holm over three.
        let strong = binaryPairs(improved: 20, regressed: 10, bothPass: 20, bothFail: 10)
        let weak = (baseline: strong.baseline, candidate: strong.baseline)
        var loose = settings
        loose.confidence = 0.9
        let alone = PromotionGate.evaluate(baseline: results(strong.baseline), finalists: [GateFinalist(id: "s", holdout: results(strong.candidate))], settings: loose)
        #expect(alone.decision == .ship)
        let finalists = [GateFinalist(id: "w1", holdout: results(weak.candidate)), GateFinalist(id: "s", holdout: results(strong.candidate)), GateFinalist(id: "w2", holdout: results(weak.candidate))]
        let three = PromotionGate.evaluate(baseline: results(strong.baseline), finalists: finalists, settings: loose)
        #expect(three.winnerID == "s")
        #expect(three.check(.multipleComparisons)?.status == .fail)
        #expect(three.decision == .hold)
        #expect(three.comparisons.count == 3)
    }

    @Test func noFinalistHolds() {
        let verdict = PromotionGate.evaluate(baseline: results([1, 0]), finalists: [], settings: settings)
        #expect(verdict.decision == .hold && verdict.winnerID == nil)
    }

    @Test func verdictRoundTripsThroughJSON() throws {
        let pairs = binaryPairs(improved: 15, regressed: 1, bothPass: 20, bothFail: 14)
        let verdict = gate(results(pairs.baseline), results(pairs.candidate))
        let decoded = try JSONDecoder().decode(GateVerdict.self, from: JSONEncoder().encode(verdict))
        #expect(decoded == verdict)
    }

    @Test func preflightWarnsWhenTheHoldoutIsTooSmall() {
        let small = PromotionGate.preflight(holdoutPairs: 30, settings: settings, statedEffect: 0.1)
        #expect(small.minimumDetectableEffect > 0.1)
        #expect(small.warnings.count == 1)
        #expect(small.requiredPairs.map { $0 > 30 } == true)
        #expect(PromotionGate.preflight(holdoutPairs: 1000, settings: settings, statedEffect: 0.1).warnings.isEmpty)
        #expect(PromotionGate.preflight(holdoutPairs: 10, settings: settings, assumedSD: 0.01).warnings.first?.contains("minPairs") == true)
    }
}

/// Mixed suites: item scorers' dimensions on items, the persona dimension on persona trials.
@Suite struct MixedSuiteGateTests {
    @Test func thePersonaDimensionOfAMixedSuiteIsCheckedForRegression() {
        // 40 items that all improve; 10 persona trials of which 4 regress: the overall lift is
        // clear, yet the persona dimension drops by 0.4 and holds the verdict.
        let items = (0..<40).map { ItemResult(itemID: "q\($0)", score: 0, dimensions: ["key-fact": 0]) }
        let improvedItems = items.map { ItemResult(itemID: $0.itemID, score: 1, dimensions: ["key-fact": 1]) }
        let trials = (0..<10).map { ItemResult(itemID: "p\($0 / 2)#\($0 % 2)", score: 1, dimensions: ["persona": 1]) }
        let regressed = trials.enumerated().map { ItemResult(itemID: $1.itemID, score: $0 < 4 ? 0 : 1, dimensions: ["persona": $0 < 4 ? 0 : 1]) }
        let verdict = PromotionGate.evaluate(
            baseline: items + trials, finalists: [GateFinalist(id: "c", holdout: improvedItems + regressed)], settings: GateSettings(minPairs: 20))
        #expect(verdict.winner?.statistics?.lift ?? 0 > 0.5)
        #expect(verdict.check(.dimensionRegression)?.status == .fail)
        #expect(abs((verdict.dimensionDeltas["persona"] ?? 0) + 0.4) < 1e-12)
        #expect(verdict.dimensionDeltas["key-fact"] == 1)
        #expect(verdict.decision == .hold)

        // Without the regression every dimension passes, though neither is on every result.
        let fine = PromotionGate.evaluate(
            baseline: items + trials, finalists: [GateFinalist(id: "c", holdout: improvedItems + trials)], settings: GateSettings(minPairs: 20))
        #expect(fine.check(.dimensionRegression)?.status == .pass)
        #expect(fine.check(.excludedTrials)?.status == .skipped)
    }
}

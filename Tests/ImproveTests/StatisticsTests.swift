import Foundation
import ImproveCore
import Testing
@testable import Improve

@Suite struct StatisticsTests {
    @Test func binomialTailsMatchExactCounts() {
        // P(X >= 9 | 10, 1/2) = (C(10,9) + C(10,10)) / 1024 = 11/1024.
        #expect(abs(Binomial.upperTail(atLeast: 9, trials: 10, probability: 0.5) - 11.0 / 1024) < 1e-12)
        #expect(abs(Binomial.lowerTail(atMost: 1, trials: 10, probability: 0.5) - 11.0 / 1024) < 1e-12)
        #expect(Binomial.upperTail(atLeast: 0, trials: 10, probability: 0.3) == 1)
        #expect(Binomial.upperTail(atLeast: 11, trials: 10, probability: 0.3) == 0)
    }

    @Test func logSpaceStaysFiniteForLargeN() {
        // 5000 trials: direct products would underflow to 0 and C(n, k) overflow.
        let p = SignTest.pValueGreater(wins: 2600, losses: 2400)
        #expect(p.isFinite && p > 0.002 && p < 0.003) // z = 200/sqrt(5000) = 2.83 -> ~0.0024
        let tiny = SignTest.pValueGreater(wins: 5000, losses: 0)
        #expect(!tiny.isNaN && tiny >= 0 && tiny < 1e-300) // 2^-5000 underflows to 0, never NaN
        #expect(abs(SignTest.pValueTwoSided(wins: 5, losses: 5) - 1) < 1e-12)
    }

    @Test func mcnemarIsTheSignTestOnDiscordantPairs() {
        #expect(ExactMcNemar.pValueImprovement(improved: 9, regressed: 1) == SignTest.pValueGreater(wins: 9, losses: 1))
        #expect(abs(ExactMcNemar.pValueTwoSided(improved: 9, regressed: 1) - 22.0 / 1024) < 1e-12)
        #expect(SignTest.pValueGreater(wins: 0, losses: 0) == 1)
    }

    @Test func clopperPearsonMatchesPublishedValues() {
        let ci = Binomial.clopperPearson(successes: 5, trials: 10, confidence: 0.95)
        #expect(abs(ci.lower - 0.1871) < 1e-4 && abs(ci.upper - 0.8129) < 1e-4)
        let edge = Binomial.clopperPearson(successes: 10, trials: 10, confidence: 0.95)
        #expect(abs(edge.lower - pow(0.025, 0.1)) < 1e-9 && edge.upper == 1)
    }

    @Test func exactDifferenceIntervalAgreesWithTheTest() {
        // Lower bound > 0 exactly when the one-sided sign test rejects at 2.5%.
        for improved in 0...20 {
            let ci = ExactMcNemar.differenceInterval(improved: improved, regressed: 20 - improved, pairs: 50, confidence: 0.95)
            let rejects = SignTest.pValueGreater(wins: improved, losses: 20 - improved) < 0.025
            #expect((ci.lower > 0) == rejects, "improved \(improved)")
        }
        let none = ExactMcNemar.differenceInterval(improved: 0, regressed: 0, pairs: 30, confidence: 0.95)
        #expect(none.lower == 0 && none.upper == 0)
    }

    @Test func wilsonMatchesPublishedValue() {
        let ci = WilsonInterval.interval(successes: 8, trials: 10, confidence: 0.95)
        #expect(abs(ci.lower - 0.4902) < 1e-3 && abs(ci.upper - 0.9433) < 1e-3)
    }

    @Test func normalQuantileInvertsTheCDF() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959964) < 1e-6)
        #expect(abs(NormalDistribution.quantile(0.8) - 0.841621) < 1e-6)
        for p in [0.001, 0.01, 0.3, 0.5, 0.9, 0.999] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) < 1e-10)
        }
    }

    @Test func holmStepDownMatchesHandComputation() {
        // Sorted 0.01, 0.03, 0.04 with m = 3: 0.03, 0.06, max(0.06, 0.04) = 0.06.
        let adjusted = HolmBonferroni.adjust([0.04, 0.01, 0.03])
        #expect(zip(adjusted, [0.06, 0.03, 0.06]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(HolmBonferroni.adjust([0.9, 0.8]) == [1, 1])
        #expect(HolmBonferroni.adjust([0.02]) == [0.02])
    }

    @Test func bootstrapIsDeterministicPerSeedAndCoversTheMean() {
        var random = SeededRandom(seed: 7)
        let differences = (0..<60).map { _ in 0.1 + 0.2 * random.normal() }
        let a = PairedBootstrap.percentileInterval(differences: differences, confidence: 0.95, resamples: 1000, seed: 1)
        let b = PairedBootstrap.percentileInterval(differences: differences, confidence: 0.95, resamples: 1000, seed: 1)
        let c = PairedBootstrap.percentileInterval(differences: differences, confidence: 0.95, resamples: 1000, seed: 2)
        let mean = differences.reduce(0, +) / 60
        #expect(a == b)
        #expect(a != c)
        #expect(a.lower < mean && mean < a.upper)
        // Width near 2 * 1.96 * sd / sqrt(n) = 2 * 1.96 * 0.2 / 7.75 = 0.10.
        #expect(a.upper - a.lower > 0.07 && a.upper - a.lower < 0.14)
    }

    @Test func signFlipTestIsExactForSmallSamples() {
        // Four positive differences: only the identity flip reaches the observed sum: 1/16.
        #expect(PairedBootstrap.signFlipPValueGreater(differences: [0.1, 0.2, 0.3, 0.4], resamples: 100, seed: 1) == 1.0 / 16)
        #expect(PairedBootstrap.signFlipPValueLess(differences: [0.1, 0.2, 0.3, 0.4], resamples: 100, seed: 1) == 1)
        #expect(PairedBootstrap.signFlipPValueGreater(differences: [0, 0], resamples: 100, seed: 1) == 1)
    }

    @Test func powerArithmetic() {
        // (1.96 + 0.8416) * 0.5 / sqrt(100) = 0.1401.
        let mde = PowerAnalysis.minimumDetectableEffect(pairs: 100, alpha: 0.05, power: 0.8, sd: 0.5)
        #expect(abs(mde - 0.1401) < 1e-3)
        #expect(PowerAnalysis.requiredPairs(effect: 0.1401, alpha: 0.05, sd: 0.5).map { abs($0 - 100) <= 1 } == true)
        #expect(PowerAnalysis.requiredPairs(effect: 0.0, alpha: 0.05, sd: 0.5, minLift: 0.02) == nil)
        #expect(abs(PowerAnalysis.minimumDetectableEffect(pairs: 100, alpha: 0.05, sd: 0.5, minLift: 0.05) - mde - 0.05) < 1e-12)
    }
}

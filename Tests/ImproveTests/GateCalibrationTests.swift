import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Improve

/// Seeded simulations of the whole gate (`PromotionGate.evaluate`): how often it ships when
/// there is no true lift (must be at most 5%), and how often it ships a true +15-point lift at
/// n = 100 (must be at least 80%). Continuous trials use 500 bootstrap / randomisation
/// resamples instead of the default 2000 to keep the debug-build runtime in seconds.
// Serialized: each test keeps a core busy for seconds, and several at once would starve the
// loopback servers other suites run in this process.
@Suite(.serialized) struct GateCalibrationTests {
    /// Pass/fail pairs: baseline passes with 0.6; a share of pairs flips fail->pass (`up`) and
    /// pass->fail (`down`) so that the lift is up - down and discordance up + down.
    static func binaryTrial(n: Int, up: Double, down: Double, random: inout SeededRandom) -> ([ItemResult], [ItemResult]) {
        var base: [Double] = []
        var cand: [Double] = []
        for _ in 0..<n {
            let passes = random.nextUnit() < 0.6
            let flip = random.nextUnit()
            base.append(passes ? 1 : 0)
            cand.append(passes ? (flip < down / 0.6 ? 0 : 1) : (flip < up / 0.4 ? 1 : 0))
        }
        return (results(base), results(cand))
    }

    /// Continuous scores: item difficulty U(0.2, 0.8) shared by both arms, independent noise
    /// with SD 0.3 per arm, candidate shifted by `lift`, clamped to [0, 1].
    static func continuousTrial(n: Int, lift: Double, random: inout SeededRandom) -> ([ItemResult], [ItemResult]) {
        var base: [Double] = []
        var cand: [Double] = []
        for _ in 0..<n {
            let difficulty = 0.2 + 0.6 * random.nextUnit()
            base.append(min(1, max(0, difficulty + 0.3 * random.normal())))
            cand.append(min(1, max(0, difficulty + lift + 0.3 * random.normal())))
        }
        return (results(base), results(cand))
    }

    /// Runs on a Dispatch thread: thousands of simulated gates would otherwise hold a
    /// cooperative thread for many seconds and starve the loopback servers of other suites.
    static func shipRate(
        trials: Int, seed: UInt64, resamples: Int = 500, make: @escaping @Sendable (inout SeededRandom) -> ([ItemResult], [ItemResult])
    ) async -> Double {
        await offCooperativePool { simulatedShipRate(trials: trials, seed: seed, resamples: resamples, make: make) }
    }

    static func simulatedShipRate(trials: Int, seed: UInt64, resamples: Int, make: (inout SeededRandom) -> ([ItemResult], [ItemResult])) -> Double {
        var random = SeededRandom(seed: seed)
        var ships = 0
        for trial in 0..<trials {
            let (base, cand) = make(&random)
            let settings = GateSettings(minLift: 0, minPairs: 20, bootstrapResamples: resamples, seed: UInt64(trial))
            let verdict = PromotionGate.evaluate(baseline: base, finalists: [GateFinalist(id: "c", holdout: cand)], settings: settings)
            if verdict.decision == .ship { ships += 1 }
        }
        return Double(ships) / Double(trials)
    }

    @Test(arguments: [20, 50, 200])
    func binaryNullRarelyShips(n: Int) async {
        // Discordance 25%, no lift.
        let rate = await Self.shipRate(trials: 2000, seed: UInt64(n)) { Self.binaryTrial(n: n, up: 0.125, down: 0.125, random: &$0) }
        print("calibration binary null n=\(n): false promotions \(rate) over 2000 trials")
        #expect(rate <= 0.05)
    }

    @Test(arguments: [20, 50, 200])
    func continuousNullRarelyShips(n: Int) async {
        let trials = n == 200 ? 1000 : 2000
        let rate = await Self.shipRate(trials: trials, seed: UInt64(n) + 1000) { Self.continuousTrial(n: n, lift: 0, random: &$0) }
        print("calibration continuous null n=\(n): false promotions \(rate) over \(trials) trials")
        #expect(rate <= 0.05)
    }

    @Test func binaryFifteenPointLiftShipsAtN100() async {
        // 20% of pairs improve, 5% regress: lift 0.15, discordance 0.25.
        let rate = await Self.shipRate(trials: 2000, seed: 77) { Self.binaryTrial(n: 100, up: 0.20, down: 0.05, random: &$0) }
        print("calibration binary +0.15 n=100: ships \(rate) over 2000 trials")
        #expect(rate >= 0.8)
    }

    @Test func continuousFifteenPointLiftShipsAtN100() async {
        let rate = await Self.shipRate(trials: 1000, seed: 78) { Self.continuousTrial(n: 100, lift: 0.15, random: &$0) }
        print("calibration continuous +0.15 n=100: ships \(rate) over 1000 trials")
        #expect(rate >= 0.8)
    }
}

import ImproveCore

/// What a holdout of a given size can show, computed before anything is spent.
public struct PowerPreflight: Codable, Sendable, Equatable {
    public var holdoutPairs: Int
    public var alpha: Double
    public var power: Double
    /// SD of the per-pair difference assumed by the calculation.
    public var assumedSD: Double
    /// Smallest true lift the gate ships with probability `power`.
    public var minimumDetectableEffect: Double
    public var statedEffect: Double?
    /// Pairs needed for `statedEffect` (or, without one, for minLift + 0.10).
    public var requiredPairs: Int?
    /// Empty when the holdout is adequate.
    public var warnings: [String]
}

extension PromotionGate {
    /// The power preflight: call before the search spends anything.
    ///
    /// - Parameters:
    ///   - holdoutPairs: holdout items times repetitions.
    ///   - settings: the policy's gate settings: `confidence` (alpha = 1 - confidence),
    ///     `minLift` and `minPairs`.
    ///   - assumedSD: SD of a per-pair score difference; when nil, derived from `discordance`,
    ///     and when both are nil 0.5, which is what 25% discordant pass/fail pairs give.
    ///   - discordance: share of pass/fail pairs expected to disagree (SD = sqrt(discordance));
    ///     read only when `assumedSD` is nil.
    ///   - statedEffect: the lift you hope to detect; warns when the holdout is too small for it.
    ///     Without it, warns when the detectable effect exceeds minLift + 0.10.
    ///   - power: the probability of detecting that lift the warnings are stated for.
    public static func preflight(holdoutPairs: Int, settings: GateSettings, assumedSD: Double? = nil, discordance: Double? = nil, statedEffect: Double? = nil, power: Double = 0.8) -> PowerPreflight {
        let alpha = 1 - settings.confidence
        let sd = assumedSD ?? discordance.map(PowerAnalysis.binarySD(discordance:)) ?? 0.5
        let mde = PowerAnalysis.minimumDetectableEffect(pairs: holdoutPairs, alpha: alpha, power: power, sd: sd, minLift: settings.minLift)
        let target = statedEffect ?? settings.minLift + 0.10
        let required = PowerAnalysis.requiredPairs(effect: target, alpha: alpha, power: power, sd: sd, minLift: settings.minLift)
        var warnings: [String] = []
        let percent = Int((power * 100).rounded())
        if holdoutPairs < settings.minPairs {
            warnings.append("The holdout has \(holdoutPairs) pairs, fewer than gate.minPairs \(settings.minPairs): the gate will hold whatever the search finds.")
        }
        if mde.isFinite, mde > target {
            let need = required.map { "; about \($0) holdout pairs are needed for \(GateText.fmt(target))" } ?? ""
            warnings.append("With \(holdoutPairs) holdout pairs (assumed difference SD \(GateText.fmt(sd, 2))) the gate detects a lift of \(GateText.fmt(mde)) with \(percent)% power, more than \(GateText.fmt(target)): a smaller true lift will most likely hold\(need).")
        } else if !mde.isFinite {
            warnings.append("The holdout is empty: the gate can never ship.")
        }
        return PowerPreflight(
            holdoutPairs: holdoutPairs, alpha: alpha, power: power, assumedSD: sd,
            minimumDetectableEffect: mde.isFinite ? mde : 1, statedEffect: statedEffect,
            requiredPairs: required, warnings: warnings)
    }
}

import Foundation

/// Normal-approximation power arithmetic for paired differences, used before money is spent
/// to tell whether a holdout of n pairs can possibly show the lift the gate demands.
///
/// The gate ships only when a two-sided interval at `confidence` has its lower bound above
/// `minLift`, i.e. a one-sided test at alpha / 2; these formulas use the same z.
public enum PowerAnalysis {
    /// The smallest true mean lift that clears `minLift` with probability `power`:
    /// minLift + (z_{1-alpha/2} + z_{power}) * sd / sqrt(n).
    public static func minimumDetectableEffect(pairs n: Int, alpha: Double, power: Double = 0.8, sd: Double, minLift: Double = 0) -> Double {
        guard n > 0 else { return .infinity }
        return minLift + zSum(alpha: alpha, power: power) * sd / Double(n).squareRoot()
    }

    /// Pairs needed to detect `effect` with probability `power` (nil when effect <= minLift).
    public static func requiredPairs(effect: Double, alpha: Double, power: Double = 0.8, sd: Double, minLift: Double = 0) -> Int? {
        let margin = effect - minLift
        guard margin > 0 else { return nil }
        let root = zSum(alpha: alpha, power: power) * sd / margin
        return Int((root * root).rounded(.up))
    }

    /// The SD of a paired pass/fail difference when a share `discordance` of pairs disagree
    /// (and the lift is small next to it): sqrt(discordance).
    public static func binarySD(discordance: Double) -> Double {
        max(0, discordance).squareRoot()
    }

    private static func zSum(alpha: Double, power: Double) -> Double {
        NormalDistribution.quantile(1 - alpha / 2) + NormalDistribution.quantile(power)
    }
}

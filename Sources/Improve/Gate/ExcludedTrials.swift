import Evals
import ImproveCore

/// Holdout persona trials left out of the gate's pairs because the simulator or the
/// infrastructure failed (not the agent): a trial that failed that way on any arm is removed
/// from every arm, so the remaining pairs stay complete and comparable.
public struct ExcludedTrials: Codable, Sendable, Equatable {
    /// Persona trials in the holdout split.
    public var trials: Int
    /// Ids of the trials removed from every arm, sorted.
    public var excluded: [String]
    /// Results (over all arms) that failed because the simulated user's model call failed.
    public var simulatorErrors: Int
    /// Results (over all arms) that failed because the agent's or the judge's call failed.
    public var infraErrors: Int

    /// - Parameters:
    ///   - holdout: the holdout split (items and persona trials).
    ///   - arms: the holdout results of the baseline and of every finalist.
    public init(holdout: [EvalItem], arms: [[ItemResult]]) {
        let units = Set(holdout.filter(PersonaUnit.isUnit).map(\.id))
        let failed = arms.flatMap { $0 }.filter { units.contains($0.itemID) && $0.isExcluded }
        trials = units.count
        excluded = Array(Set(failed.map(\.itemID))).sorted()
        simulatorErrors = failed.filter { $0.failure == .simulator }.count
        infraErrors = failed.filter { $0.failure == .infrastructure }.count
    }

    /// `results` without the excluded trials.
    public func kept(_ results: [ItemResult]) -> [ItemResult] {
        let removed = Set(excluded)
        return results.filter { !removed.contains($0.itemID) }
    }

    /// The gate check: skipped without persona trials, fails when more than `limit` of them
    /// had to be excluded (the pairs left would say little about the agent).
    func check(limit: Double) -> GateCheck {
        guard trials > 0 else {
            return GateCheck(name: .excludedTrials, status: .skipped, detail: "no persona trials in the holdout")
        }
        let share = Double(excluded.count) / Double(trials)
        let counts = "\(excluded.count) of \(trials) persona trials excluded from the pairs (\(simulatorErrors) simulator and \(infraErrors) agent or judge failures), at most \(GateText.fmt(limit, 2)) allowed"
        return share <= limit
            ? GateCheck(name: .excludedTrials, status: .pass, detail: counts)
            : GateCheck(name: .excludedTrials, status: .fail, detail: "too many dialogues failed outside the agent: \(counts) (gate.maxExcludedFraction)")
    }
}

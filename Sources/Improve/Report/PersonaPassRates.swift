import Evals
import ImproveCore

/// pass^k of one persona for the baseline and the winner, on the split the persona is in.
///
/// Search personas are counted over the trials in the search's validation pool (both arms are
/// scored on the same ones); holdout personas over every holdout trial, excluded trials shown as
/// simulator or infrastructure errors rather than as agent failures.
public struct PersonaPassRates: Codable, Sendable, Equatable {
    /// The persona's id in `suite.yaml`.
    public var personaID: String
    /// `search` or `holdout`.
    public var split: String
    /// The baseline's trials, successes, errors and pass^k.
    public var baseline: PersonaSummary
    /// Nil when no candidate reached the holdout.
    public var winner: PersonaSummary?

    /// A persona's figures for both arms.
    public init(personaID: String, split: String, baseline: PersonaSummary, winner: PersonaSummary?) {
        self.personaID = personaID
        self.split = split
        self.baseline = baseline
        self.winner = winner
    }

    /// One entry per persona with trials among `units`, in unit order.
    static func compare(units: [EvalItem], split: String, baseline: [ItemResult], winner: [ItemResult]?) -> [PersonaPassRates] {
        var personaIDs: [String] = []
        for unit in units {
            if let id = PersonaUnit.reference(unit)?.personaID, !personaIDs.contains(id) { personaIDs.append(id) }
        }
        let scoredIDs = Set(baseline.map(\.itemID))
        let ids = personaIDs.filter { id in scoredIDs.contains { $0.hasPrefix(id + "#") } }
        let base = PersonaEvaluator.summarise(baseline, personaIDs: ids)
        let win = winner.map { PersonaEvaluator.summarise($0, personaIDs: ids) }
        return ids.indices.map { PersonaPassRates(personaID: ids[$0], split: split, baseline: base[$0], winner: win?[$0]) }
    }

    /// pass^k as `0.50 / 0.17` for k = 1, 2, ... ("–" without graded trials).
    static func format(_ summary: PersonaSummary?) -> String {
        guard let summary, !summary.passHatK.isEmpty else { return "–" }
        return summary.passHatK.map { RunReport.format($0, digits: 2) }.joined(separator: " / ")
    }
}

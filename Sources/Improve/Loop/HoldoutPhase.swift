import Generators
import ImproveCore

/// The gate's view of one finalist: its holdout results and how it did on search.
public struct FinalistResult: Sendable, Codable {
    public var candidate: ScoredCandidate
    public var holdout: [ItemResult]
    /// Search-split (validation) mean of the finalist minus the baseline's.
    public var searchLift: Double
}

/// What the holdout phase decided.
struct HoldoutOutcome: Sendable {
    var baseline: ScoredCandidate
    /// The baseline's holdout results the gate paired (excluded persona trials removed).
    var baselineHoldout: [ItemResult]
    /// Finalists with the holdout results the gate paired.
    var finalists: [FinalistResult]
    var decision: GateVerdict
    /// Persona trials removed from every arm (simulator or infrastructure failures).
    var excluded: ExcludedTrials
    /// Every holdout result by candidate id, excluded trials included (for pass^k and counts).
    var allResults: [String: [ItemResult]]
}

/// Scores the baseline and the best search candidates on the holdout split and asks the gate.
struct HoldoutPhase {
    let inputs: ImproveInputs
    let surface: any Surface
    let evaluator: any ProfileEvaluator
    let gate: GateSettings
    let recorder: RunRecorder
    let progress: (@Sendable (ImproveProgress) -> Void)?

    func run(_ search: SearchResult) async throws -> HoldoutOutcome {
        guard let baseline = search.pool.first else { throw PreflightError(problem: "the search produced no baseline") }
        let finalists = search.ranking.filter { $0.id != baseline.id }.prefix(gate.finalists)
        let total = (1 + finalists.count) * inputs.holdout.count
        progress?(.holdout(done: 0, total: total))
        let baselineHoldout = try await evaluator.evaluate(inputs.profile, on: inputs.holdout)
        try await recorder.recordResults(candidateID: baseline.id, results: baselineHoldout, split: .holdout)
        var scored: [FinalistResult] = []
        for (index, finalist) in finalists.enumerated() {
            let profile = try surface.apply(finalist.candidate.components, to: inputs.profile)
            let results = try await evaluator.evaluate(profile, on: inputs.holdout)
            try await recorder.recordResults(candidateID: finalist.id, results: results, split: .holdout)
            scored.append(FinalistResult(candidate: finalist, holdout: results, searchLift: finalist.meanScore - baseline.meanScore))
            progress?(.holdout(done: (index + 2) * inputs.holdout.count, total: total))
        }
        let excluded = ExcludedTrials(holdout: inputs.holdout, arms: [baselineHoldout] + scored.map(\.holdout))
        var allResults = [baseline.id: baselineHoldout]
        for finalist in scored { allResults[finalist.candidate.id] = finalist.holdout }
        let pairedBaseline = excluded.kept(baselineHoldout)
        let pairedFinalists = scored.map { FinalistResult(candidate: $0.candidate, holdout: excluded.kept($0.holdout), searchLift: $0.searchLift) }
        let decision = PromotionGate.evaluate(
            baseline: pairedBaseline, baselineComponents: baseline.candidate.components,
            finalists: pairedFinalists.map { GateFinalist(id: $0.candidate.id, components: $0.candidate.candidate.components, holdout: $0.holdout, searchLift: $0.searchLift) },
            settings: gate, excluded: excluded)
        try await recorder.event("gate", try JSONValue(encoding: decision))
        return HoldoutOutcome(baseline: baseline, baselineHoldout: pairedBaseline, finalists: pairedFinalists, decision: decision, excluded: excluded, allResults: allResults)
    }
}

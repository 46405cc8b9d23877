import Generators
import ImproveCore

/// Mirrors search events into the store's candidates, evaluations and events tables, so
/// `improve-cli show` and reports can read a run while it is still going.
struct RunRecorder: Sendable {
    let store: any RunStore
    let runID: String

    func record(_ event: SearchEvent) throws {
        switch event {
        case .baseline(let seed):
            try recordScored(seed, split: .search)
            try store.appendEvent(runID: runID, kind: "baseline", payload: ["candidate": .string(seed.id), "mean": .number(seed.meanScore)])
        case .proposal(let proposal, let accepted):
            if let accepted { try recordScored(accepted, split: .search) }
            try store.appendEvent(runID: runID, kind: "proposal", payload: try JSONValue(encoding: proposal))
        case .stopped(let reason, let spend):
            try store.appendEvent(runID: runID, kind: "search-stopped", payload: ["reason": .string(String(describing: reason)), "spend": try JSONValue(encoding: spend)])
        }
    }

    func recordScored(_ scored: ScoredCandidate, split: EvaluationRecord.Split) throws {
        try store.recordCandidate(runID: runID, scored.candidate)
        try recordResults(candidateID: scored.id, results: Array(scored.results.values), split: split)
    }

    func recordResults(candidateID: String, results: [ItemResult], split: EvaluationRecord.Split) throws {
        let records = results.sorted { $0.itemID < $1.itemID }.map {
            EvaluationRecord(candidateID: candidateID, itemID: $0.itemID, split: split, score: $0.score, passed: $0.passed, feedback: $0.feedback)
        }
        try store.recordEvaluations(runID: runID, records)
    }

    func event(_ kind: String, _ payload: JSONValue) throws {
        try store.appendEvent(runID: runID, kind: kind, payload: payload)
    }
}

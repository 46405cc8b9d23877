import Foundation
import Synchronization
import Generators
import ImproveCore

/// Mirrors search events into the store's candidates, evaluations and events tables, so
/// `improve-cli show` and reports can read a run while it is still going.
///
/// Every write is idempotent, because a resumed run replays its steps from the journal and emits
/// its events again: candidates and evaluations by their ids, events by a deterministic key (see
/// ``EventKeys``), so `show`, reports and `runs --since` count each event once.
struct RunRecorder: Sendable {
    let store: any RunStore
    let runID: String
    private let keys = EventKeys()

    init(store: any RunStore, runID: String) {
        self.store = store
        self.runID = runID
    }

    func record(_ event: SearchEvent) async throws {
        switch event {
        case .baseline(let seed):
            try await recordScored(seed, split: .search)
            try await self.event(.baseline, ["candidate": .string(seed.id), "mean": .number(seed.meanScore)])
        case .proposal(let proposal, let accepted):
            if let accepted { try await recordScored(accepted, split: .search) }
            try await self.event(.proposal, try JSONValue(encoding: proposal))
        case .stopped(let reason, let spend):
            try await self.event(.searchStopped, ["reason": .string(String(describing: reason)), "spend": try JSONValue(encoding: spend)])
        }
    }

    func recordScored(_ scored: ScoredCandidate, split: EvaluationRecord.Split) async throws {
        try await store.recordCandidate(runID: runID, scored.candidate)
        try await recordResults(candidateID: scored.id, results: Array(scored.results.values), split: split)
    }

    func recordResults(candidateID: String, results: [ItemResult], split: EvaluationRecord.Split) async throws {
        let records = results.sorted { $0.itemID < $1.itemID }.map {
            EvaluationRecord(candidateID: candidateID, itemID: $0.itemID, split: split, score: $0.score, passed: $0.passed, feedback: $0.feedback)
        }
        try await store.recordEvaluations(runID: runID, records)
    }

    /// Records the event once: when this process or an earlier one already recorded it, nothing.
    func event(_ kind: RunEventKind, _ payload: JSONValue) async throws {
        try await store.recordEvent(runID: runID, key: try keys.next(kind: kind.rawValue, payload: payload), kind: kind, payload: payload)
    }
}

/// The deterministic key of each event a process records: kind, content hash and how many equal
/// events came before it in this process.
///
/// A resumed run replays every completed step with the same answers, so it emits the same events
/// with the same contents: the n-th `proposal` with a given content gets the same key in every
/// process, while two genuinely equal events of one run still get two keys. Keys do not depend on
/// the order of unequal events, which concurrent evaluation may change.
final class EventKeys: Sendable {
    private let seen = Mutex<[String: Int]>([:])

    /// The key of the next event of `kind` with `payload`.
    func next(kind: String, payload: JSONValue) throws -> String {
        let content = "\(kind):\(try ContentHash.of(payload))"
        let occurrence = seen.withLock { seen in
            let count = seen[content, default: 0]
            seen[content] = count + 1
            return count
        }
        return "\(content):\(occurrence)"
    }
}

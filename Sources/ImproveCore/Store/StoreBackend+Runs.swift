import Foundation

/// The ``RunStore`` semantics of runs, candidates, events and queries, written once for every backend.
extension StoreBackend {
    /// The id of the run opened with `dedupeKey`: derived from the key alone, so every process
    /// (on any machine, with any backend) computes the same id without a clock or a random source.
    public static func runID(forDedupeKey dedupeKey: String) -> String {
        "run-" + ContentHash.sha256(dedupeKey).prefix(12)
    }

    public func openRun(_ spec: RunSpec, workerID: String) async throws -> (run: RunRecord, joined: Bool) {
        let id = Self.runID(forDedupeKey: spec.dedupeKey)
        let joined = try await upsertRun(id: id, spec: try StoredRunSpec(spec), workerID: workerID, at: StoreCoding.now())
        guard let record = try await fetchRun(id: id) else { throw StoreError.unknownRun(id: id, store: location) }
        return (record, joined)
    }

    public func resumeRun(id: String, workerID: String) async throws -> RunRecord {
        guard let state = try await reopenRun(id: id, workerID: workerID, refused: .completed, at: StoreCoding.now()) else {
            throw StoreError.unknownRun(id: id, store: location)
        }
        if state == .completed { throw StoreError.runNotResumable(id: id, state: state.rawValue) }
        guard let record = try await fetchRun(id: id) else { throw StoreError.unknownRun(id: id, store: location) }
        return record
    }

    public func run(id: String) async throws -> RunRecord? {
        try await fetchRun(id: id)
    }

    public func listRuns(limit: Int) async throws -> [RunRecord] {
        try await fetchRuns(updatedSince: nil, limit: max(0, limit)).map(\.run)
    }

    public func runs(updatedSince start: Date, limit: Int) async throws -> [RunDigestRow] {
        try await fetchRuns(updatedSince: start, limit: max(0, limit))
    }

    public func finishRun(id: String, state: RunState, result: JSONValue?, failure: String?) async throws {
        let resultText = try result.map(StoreCoding.text)
        let failureText = failure.map(redactor.redact)
        guard try await updateRunEnd(id: id, state: state, resultText: resultText, failureText: failureText, at: StoreCoding.now()) else {
            throw StoreError.unknownRun(id: id, store: location)
        }
    }

    public func recordCandidate(runID: String, _ candidate: Candidate) async throws {
        try await insertCandidate(runID: runID, try StoredCandidate(candidate), at: StoreCoding.now())
    }

    public func recordEvaluations(runID: String, _ records: [EvaluationRecord]) async throws {
        guard !records.isEmpty else { return }
        try await insertEvaluations(runID: runID, records, at: StoreCoding.now())
    }

    public func appendEvent(runID: String, kind: RunEventKind, payload: JSONValue) async throws {
        try await insertEvent(runID: runID, key: nil, kind: kind, payloadText: try StoreCoding.text(payload), at: StoreCoding.now())
    }

    public func recordEvent(runID: String, key: String, kind: RunEventKind, payload: JSONValue) async throws {
        try await insertEvent(runID: runID, key: key, kind: kind, payloadText: try StoreCoding.text(payload), at: StoreCoding.now())
    }

    /// Records how one process's attempt at a run ended, as a `session` event: paid and
    /// replayed calls, exit status and stop reason are facts of a process, not of the run.
    public func recordSession(runID: String, _ payload: JSONValue) async throws {
        try await appendEvent(runID: runID, kind: .session, payload: payload)
    }

    public func sessions(runID: String) async throws -> [JSONValue] {
        try await fetchEventPayloads(runID: runID, kind: .session)
    }

    public func summary(runID: String, lastEvents: Int) async throws -> RunSummary {
        guard let summary = try await fetchSummary(runID: runID, lastEvents: max(0, lastEvents), paidKinds: [.modelCall, .scorer]) else {
            throw StoreError.unknownRun(id: runID, store: location)
        }
        return summary
    }

    public func candidates(runID: String) async throws -> [CandidateSummary] {
        guard let candidates = try await fetchCandidates(runID: runID) else { throw StoreError.unknownRun(id: runID, store: location) }
        return candidates
    }

    public func steps(runID: String) async throws -> [StepRecord] {
        try await fetchSteps(runID: runID)
    }

    /// The caller chooses `start` (a rolling window computed once from the wall clock), so the
    /// store itself reads no clock here.
    public func ledgerTotals(since start: Date) async throws -> LedgerTotals {
        try await fetchLedgerTotals(since: start.timeIntervalSince1970)
    }

    public func paidSteps(runID: String) async throws -> Int {
        try await countLedgerRows(runID: runID)
    }

    public func journal(runID: String, workerID: String) async throws -> any StepJournal {
        try await stepJournal(runID: runID, workerID: workerID)
    }

    /// The concrete journal of `runID` for `workerID` (for callers that want its counters).
    ///
    /// A worker id names a logical worker: a process restarted under the same id takes its own
    /// unfinished claims back at once, while claims of other ids are honoured until their lease
    /// expires. Give concurrent processes distinct ids.
    public func stepJournal(runID: String, workerID: String) async throws -> DurableStepJournal<Self> {
        guard try await fetchRun(id: runID) != nil else { throw StoreError.unknownRun(id: runID, store: location) }
        return DurableStepJournal(backend: self, runID: runID, workerID: workerID, completedAtStart: try await completedCheckpoints(runID: runID))
    }
}

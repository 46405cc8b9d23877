import Foundation
import ImproveCore

/// The journal of a distributed run's coordinator: steps of the `dispatch` kinds (model calls)
/// are not run here but enqueued for workers, and this journal waits for each result; every
/// other step runs in this process through the store's own journal.
///
/// Checkpoints are named exactly as the store's journal names them (name or signature hash,
/// plus an occurrence counter per base), so a run started distributed can be resumed in one
/// process and the other way round: the rows are the same.
final class DispatchingStepJournal: StepJournal {
    let runID: String
    private let workerID: String
    private let local: any StepJournal
    private let store: PostgresRunStore
    private let dispatch: Set<StepKind>
    private let counter = CheckpointCounter()
    /// Checkpoints completed when the journal started: only these are looked up before the
    /// gate (a resumed run's replays); any other call passes the gate and is enqueued, which
    /// also replays a call another coordinator of the run completed meanwhile.
    private let completedAtStart: Set<String>

    init(
        local: any StepJournal, store: PostgresRunStore, runID: String, workerID: String, dispatch: Set<StepKind>,
        completedAtStart: Set<String>
    ) {
        self.completedAtStart = completedAtStart
        self.local = local
        self.store = store
        self.runID = runID
        self.workerID = workerID
        self.dispatch = dispatch
    }

    func step<Value: Codable & Sendable>(
        _ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type,
        body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        guard dispatch.contains(kind) else {
            return try await local.step(kind, name: name, signature: signature, as: type, body: body)
        }
        let signatureJSON = try CanonicalJSON.string(signature)
        let signatureHash = ContentHash.sha256(signatureJSON)
        let request = StepRequest(
            runID: runID, checkpoint: await counter.next(base: name ?? signatureHash), kind: kind,
            signatureHash: signatureHash, signatureJSON: signatureJSON, workerID: workerID)
        if completedAtStart.contains(request.checkpoint), let stored = try await store.completedResult(request) {
            return try StoreCoding.decodeResult(stored, as: Value.self)
        }
        let store = store
        let call: @Sendable () async throws -> Data = { try await store.enqueueAndWait(request) }
        let bytes: Data
        if let gate = store.currentDispatchGate {
            bytes = try await gate(call)
        } else {
            bytes = try await call()
        }
        return try StoreCoding.decodeResult(bytes, as: Value.self)
    }
}

/// Occurrence counts per checkpoint base.
actor CheckpointCounter {
    private var occurrences: [String: Int] = [:]

    func next(base: String) -> String {
        let occurrence = (occurrences[base] ?? 0) + 1
        occurrences[base] = occurrence
        return "\(base)#\(occurrence)"
    }
}

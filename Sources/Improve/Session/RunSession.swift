import Foundation
import ImproveCore

/// The one skeleton every way to run goes through: spec → open or join the run by its dedupe key
/// → journal → clients behind the spend gate, the guard and the journal → body → end state.
///
/// `improve()`, `evolve()`, autoresearch and `evaluate()` are bodies (``RunBody``) of this
/// session; none of them opens a run, wraps a client or records how the run ended. The session
/// is the one writer of the end state: `completed` with the body's outcome, `interrupted`
/// (resumable) after a cancellation or a stop by the spend ceiling, `failed` with the redacted
/// error otherwise.
struct RunSession: Sendable {
    /// The store the run lives in.
    let store: any RunStore
    /// Raw clients; the session puts each behind the spend gate.
    let models: ModelAccess
    /// Names this process in step leases.
    let workerID: String
    /// The caller's gate, or nil for one configured from the policy's `spendCeiling`.
    let spendGate: SpendGate?

    /// A session over `store`, reaching models through `models`, for the process `workerID`.
    init(store: any RunStore, models: ModelAccess, workerID: String, spendGate: SpendGate? = nil) {
        self.store = store
        self.models = models
        self.workerID = workerID
        self.spendGate = spendGate
    }

    /// The session of a run with `options` (worker id and spend gate).
    init(store: any RunStore, models: ModelAccess, options: ImproveOptions) {
        self.init(store: store, models: models, workerID: options.workerID, spendGate: options.spendGate)
    }

    /// Runs `body` in its run: joins a finished run with the same key when the body reuses it,
    /// else executes the body and records the end state.
    /// - Throws: the body's error (the run marked failed), ``StoreError/cancelled(runID:)``
    ///   after a cancellation, ``SpendCeilingReached`` when the ceiling stopped it (both
    ///   resumable: the same call again continues the run).
    func execute<Body: RunBody>(_ body: Body, onJoinedFinished: (@Sendable (String) -> Void)? = nil) async throws -> Body.Outcome {
        let spec = try body.spec()
        let gate = spendGate ?? SpendGate.fromPolicy(body.policy)
        gate.attach(store)
        // A distributed run's calls are sent by workers: the gate stands before each dispatch.
        (store as? any DispatchGatingStore)?.gateDispatches { call in try await gate.around(call) }

        let (record, joined) = try await store.openRun(spec, workerID: workerID)
        if joined, record.state == .completed, let stored = record.result, let outcome = try body.reuse(stored) {
            onJoinedFinished?(record.id)
            return outcome
        }
        let journal = try await store.journal(runID: record.id, workerID: workerID)
        let run = ActiveRun(record: record, joined: joined, journal: journal, store: store, models: gate.guarding(models), allowed: body.policy.allowedModels)
        // The body runs in a task of its own so the gate can cancel all of it, as Ctrl-C does:
        // no code path that tolerates a failed call carries on without its answers.
        let work = Task { try await body.execute(in: run) }
        gate.whenStopped { work.cancel() }
        do {
            // The agents' process groups and gateways end with the body, before the run is
            // recorded as finished.
            let outcome = try await run.agents.closing {
                try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
            }
            try await store.finishRun(id: record.id, state: .completed, result: try body.stored(outcome), failure: nil)
            return outcome
        } catch {
            if let stop = gate.stopped, RunEnding.isCancellation(error) {
                // Name the stop in the store: `runs` and `show` say why the run is interrupted.
                try? await store.finishRun(id: record.id, state: .interrupted, result: nil, failure: stop.description)
                throw SpendCeilingReached(runID: record.id, stop: stop)
            }
            throw await RunEnding.record(runID: record.id, store: store, by: error)
        }
    }
}

/// A run stopped by the spend ceiling before a new paid call; resumable with the same call once
/// the window has room or the ceiling is raised, paying for no completed call again.
public struct SpendCeilingReached: Error, CustomStringConvertible, Sendable {
    /// The run that was stopped (marked interrupted in the store, with ``stop`` as its reason).
    public var runID: String
    /// The ceiling, what was spent and the window.
    public var stop: SpendGate.Stop

    public var description: String { "\(stop); run \(runID) is resumable" }
}

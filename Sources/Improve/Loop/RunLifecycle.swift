import ImproveCore

/// The parts of a run's life that every surface shares: opening or joining it by its dedupe
/// key, and recording how it ended when it ends in an error.
enum RunLifecycle {
    enum Opened {
        /// A run with the same inputs already finished: its stored outcome, as joined.
        case finished(ImproveOutcome)
        /// A new run, or an unfinished one to continue (its journal replays what completed).
        case active(RunRecord, joined: Bool)
    }

    static func open(_ spec: RunSpec, store: any RunStore, workerID: String, progress: (@Sendable (ImproveProgress) -> Void)?) async throws -> Opened {
        let (run, joined) = try await store.openRun(spec, workerID: workerID)
        guard joined, run.state == .completed, let stored = run.result else { return .active(run, joined: joined) }
        progress?(.joined(runID: run.id))
        var outcome = try stored.decode(as: ImproveOutcome.self)
        outcome.joinedExistingRun = true
        return .finished(outcome)
    }

    /// Marks the run interrupted (resumable) or failed, with a redacted reason, and returns the
    /// error to throw: a cancellation becomes ``StoreError/cancelled(runID:)``.
    static func ended(runID: String, store: any RunStore, by error: any Error) async -> any Error {
        let cancelled: Bool
        switch error {
        case is CancellationError: cancelled = true
        case StoreError.cancelled: cancelled = true
        default: cancelled = false
        }
        if cancelled {
            try? await store.finishRun(id: runID, state: .interrupted, result: nil, failure: "interrupted; resumable")
            return StoreError.cancelled(runID: runID)
        }
        try? await store.finishRun(id: runID, state: .failed, result: nil, failure: Redactor.fromEnvironment().redact(String(describing: error)))
        return error
    }
}

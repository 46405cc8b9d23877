import ImproveCore

/// How a run that ended in an error is recorded: interrupted (resumable) after a cancellation,
/// failed with a redacted reason otherwise.
enum RunEnding {
    /// True for a cancellation: Ctrl-C, a cancelled task, or the spend gate.
    static func isCancellation(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError: return true
        case StoreError.cancelled: return true
        default: return false
        }
    }

    /// Marks the run interrupted or failed and returns the error to throw: a cancellation
    /// becomes ``StoreError/cancelled(runID:)``.
    static func record(runID: String, store: any RunStore, by error: any Error) async -> any Error {
        if isCancellation(error) {
            try? await store.finishRun(id: runID, state: .interrupted, result: nil, failure: "interrupted; resumable")
            return StoreError.cancelled(runID: runID)
        }
        try? await store.finishRun(id: runID, state: .failed, result: nil, failure: Redactor.fromEnvironment().redact(String(describing: error)))
        return error
    }
}

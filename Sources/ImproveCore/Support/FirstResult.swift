import Foundation
import Synchronization

/// A continuation resumed once, by the first of several finishers; results that arrive before
/// the continuation is installed are kept for it.
package final class FirstResult<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Hands over the continuation; resumes it at once when a result came first.
    package func install(_ continuation: CheckedContinuation<T, any Error>) {
        let pending: Result<T, any Error>? = state.withLock { state in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    /// Resumes the continuation with `result` unless another finisher came first.
    package func finish(_ result: Result<T, any Error>) {
        let target: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard !state.done else { return nil }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = result
                return nil
            }
            state.continuation = nil
            return continuation
        }
        target?.resume(with: result)
    }
}

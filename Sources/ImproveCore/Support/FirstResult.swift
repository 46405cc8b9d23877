import Foundation

/// A continuation resumed once, by the first of several finishers; results that arrive before
/// the continuation is installed are kept for it.
public final class FirstResult<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var done = false

    public init() {}

    /// Hands over the continuation; resumes it at once when a result came first.
    public func install(_ continuation: CheckedContinuation<T, any Error>) {
        let pending: Result<T, any Error>? = lock.withLock {
            if let early { return early }
            self.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    /// Resumes the continuation with `result` unless another finisher came first.
    public func finish(_ result: Result<T, any Error>) {
        let target: CheckedContinuation<T, any Error>? = lock.withLock {
            guard !done else { return nil }
            done = true
            guard let continuation else {
                early = result
                return nil
            }
            self.continuation = nil
            return continuation
        }
        target?.resume(with: result)
    }
}

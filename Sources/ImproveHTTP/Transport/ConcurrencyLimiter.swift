import Foundation
import ImproveCore

/// An async counting semaphore: at most `limit` holders at once, waiters served first come,
/// first served. One limiter is shared by every client of a provider, so a provider's
/// concurrency cap holds however many clients a run creates.
///
/// A waiter whose task is cancelled (Ctrl-C on a run) leaves the queue at once and throws
/// `CancellationError`, instead of waiting for a slot only to send a request nobody wants.
public actor ConcurrencyLimiter {
    /// The number of concurrent holders allowed.
    public let limit: Int
    private var holders = 0
    private var waiters: [(id: UUID, continuation: CheckedContinuation<Void, any Error>)] = []

    /// A limiter for `limit` holders at once (at least one).
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot and takes it.
    /// - Throws: `CancellationError` when the task is cancelled before a slot was handed over;
    ///   no slot is held then.
    public func acquire() async throws {
        try Task.checkCancellation()
        if holders < limit {
            holders += 1
            return
        }
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.withdraw(id) }
        }
        // The releasing holder handed its slot over; `holders` already counts this task.
    }

    /// Gives a slot back, handing it straight to the longest waiter if there is one.
    public func release() {
        if waiters.isEmpty {
            holders = max(0, holders - 1)
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    /// Slots currently held (for tests and progress displays).
    public var inUse: Int { holders }

    /// Waiters queued for a slot (for tests).
    public var waiting: Int { waiters.count }

    private func withdraw(_ id: UUID) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

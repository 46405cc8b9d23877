/// An async counting semaphore: at most `limit` holders at once, waiters served first come,
/// first served. One limiter is shared by every client of a provider, so a provider's
/// concurrency cap holds however many clients a run creates.
public actor ConcurrencyLimiter {
    /// The number of concurrent holders allowed.
    public let limit: Int
    private var holders = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot and takes it.
    public func acquire() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
        // The releasing holder handed its slot over; `holders` already counts this task.
    }

    /// Gives a slot back, handing it straight to the longest waiter if there is one.
    public func release() {
        if waiters.isEmpty {
            holders = max(0, holders - 1)
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Slots currently held (for tests and progress displays).
    public var inUse: Int { holders }
}

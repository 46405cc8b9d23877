import Foundation

/// Keeps the leases of one journal's running steps alive with a single background loop.
///
/// A task per step cost a thread wake-up and a cancellation per journaled call (about a tenth of
/// the journal's time in `improve-bench store`), and each such task held the store until it
/// noticed its cancellation, so a finished run's store could close on a stray thread while the
/// next run was opening it. The loop holds the keeper weakly: when the journal goes, the loop
/// ends at its next tick, holding nothing in between.
final class LeaseKeeper: @unchecked Sendable {
    private let store: SQLiteRunStore
    private let interval: UInt64
    // Guards `held` and `loop`; never held across an await or a store call.
    private let lock = NSLock()
    private var held: [Int64: StepClaim] = [:]
    private var loop: Task<Void, Never>?

    /// Renews every third of `store.leaseDuration`, so a claim is renewed before it can lapse.
    init(store: SQLiteRunStore) {
        self.store = store
        interval = UInt64(max(0.001, store.leaseDuration / 3) * 1_000_000_000)
    }

    deinit {
        loop?.cancel()
    }

    /// Keeps `claim` alive until ``release(_:)``.
    func hold(_ claim: StepClaim) {
        lock.withLock {
            held[claim.stepID] = claim
            if loop == nil { loop = Self.startLoop(self, every: interval) }
        }
    }

    func release(_ claim: StepClaim) {
        _ = lock.withLock { held.removeValue(forKey: claim.stepID) }
    }

    /// Renews what is held now. A claim completed or failed meanwhile is left alone: the store
    /// renews only a step still running under the same attempt.
    private func renewHeld() {
        let claims = lock.withLock { Array(held.values) }
        for claim in claims {
            try? store.renew(claim)
        }
    }

    private static func startLoop(_ keeper: LeaseKeeper, every interval: UInt64) -> Task<Void, Never> {
        Task { [weak keeper] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(nanoseconds: interval)
                } catch {
                    return
                }
                guard let keeper else { return }
                keeper.renewHeld()
            }
        }
    }
}

import Foundation
import ImproveCore

/// Keeps the leases of a worker's running steps alive with a single background loop that
/// renews them all in one transaction every third of the lease.
actor PostgresLeaseKeeper {
    private let store: PostgresRunStore
    private var held: [Int64: StepClaim] = [:]
    private var loop: Task<Void, Never>?

    init(store: PostgresRunStore) {
        self.store = store
    }

    deinit {
        loop?.cancel()
    }

    /// Keeps `claim` alive until ``release(_:)``.
    func hold(_ claim: StepClaim) {
        held[claim.stepID] = claim
        if loop == nil {
            let interval = UInt64(max(0.001, store.leaseDuration / 3) * 1_000_000_000)
            loop = Task { [weak self] in
                while !Task.isCancelled {
                    do { try await Task.sleep(nanoseconds: interval) } catch { return }
                    guard let self else { return }
                    await self.renewHeld()
                }
            }
        }
    }

    func release(_ claim: StepClaim) {
        held[claim.stepID] = nil
    }

    /// Renews what is held now; the store renews only steps still running under the same attempt.
    private func renewHeld() async {
        try? await store.renewAll(Array(held.values))
    }
}

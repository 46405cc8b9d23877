import Foundation
import Synchronization

/// Keeps the leases of one journal's (or one worker's) running steps alive with a single
/// background loop.
///
/// A task per step cost a thread wake-up and a cancellation per journaled call (about a tenth of
/// the journal's time in `improve-bench store`), and each such task held the store until it
/// noticed its cancellation, so a finished run's store could close on a stray thread while the
/// next run was opening it. The loop holds the keeper weakly: when the journal goes, the loop
/// ends at its next tick, holding nothing in between.
package final class LeaseKeeper<Backend: StoreBackend>: Sendable {
    private let backend: Backend
    private let interval: UInt64
    private struct State {
        var held: [Int64: StepClaim] = [:]
        var loop: Task<Void, Never>?
    }
    // Never held across an await or a store call.
    private let state = Mutex(State())

    /// Renews every third of `backend.leaseDuration`, so a claim is renewed before it can lapse.
    package init(backend: Backend) {
        self.backend = backend
        interval = UInt64(max(0.001, backend.leaseDuration / 3) * 1_000_000_000)
    }

    deinit {
        state.withLock { $0.loop?.cancel() }
    }

    /// Keeps `claim` alive until ``release(_:)``.
    package func hold(_ claim: StepClaim) {
        state.withLock { state in
            state.held[claim.stepID] = claim
            if state.loop == nil { state.loop = Self.startLoop(self, every: interval) }
        }
    }

    package func release(_ claim: StepClaim) {
        _ = state.withLock { $0.held.removeValue(forKey: claim.stepID) }
    }

    /// Renews what is held now, in one batch. A claim completed or failed meanwhile is left
    /// alone: the store renews only a step still running under the same attempt.
    private func renewHeld() async {
        let claims = state.withLock { Array($0.held.values) }
        try? await backend.renew(claims)
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
                await keeper.renewHeld()
            }
        }
    }
}

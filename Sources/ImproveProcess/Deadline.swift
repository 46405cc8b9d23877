import Synchronization

/// A time limit on a child: after `seconds` it runs its action once, unless disarmed first,
/// and remembers whether the action said the limit struck.
final class Deadline: Sendable {
    private struct State {
        var armed = false
        var fired = false
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Starts the clock; `action` runs when it expires and returns whether the limit struck
    /// (false when the child turns out to have finished in time).
    func arm(after seconds: Double, _ action: @escaping @Sendable () -> Bool) {
        state.withLock { $0.armed = true }
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: .seconds(seconds))) != nil, let self else { return }
            // Under the lock, so that once `disarm()` returns the action cannot start.
            self.state.withLock { state in
                guard state.armed else { return }
                state.fired = action()
            }
        }
        state.withLock { $0.timer = timer }
    }

    /// Stops the clock: once this returns the action will not run.
    func disarm() {
        let timer = state.withLock { state -> Task<Void, Never>? in
            state.armed = false
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    /// True once the time limit struck.
    var fired: Bool { state.withLock { $0.fired } }
}

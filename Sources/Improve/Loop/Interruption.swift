import Foundation
import Synchronization

/// Turns SIGINT / SIGTERM into cooperative cancellation, so a run stops at a step boundary
/// and stays resumable instead of dying mid-write.
public final class InterruptionMonitor: Sendable {
    private struct State {
        /// Kept alive for as long as the monitor: a released source stops delivering.
        var sources: [any DispatchSourceSignal] = []
        var received: Int32?
        var handler: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    public init() {}

    /// The signal that arrived, if any.
    public var signal: Int32? { state.withLock { $0.received } }

    /// Starts listening; `onSignal` runs once on the first signal (typically cancelling the run's task).
    public func install(onSignal: @escaping @Sendable () -> Void) {
        state.withLock { $0.handler = onSignal }
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            state.withLock { state in
                // Made inside the lock: a signal source is not Sendable, so it never leaves it.
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.fire(number) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    private func fire(_ number: Int32) {
        let callback: (@Sendable () -> Void)? = state.withLock { state in
            guard state.received == nil else { return nil }
            state.received = number
            return state.handler
        }
        callback?()
    }
}

import Foundation

/// Turns SIGINT / SIGTERM into cooperative cancellation, so a run stops at a step boundary
/// and stays resumable instead of dying mid-write.
public final class InterruptionMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var received: Int32?
    private var handler: (@Sendable () -> Void)?

    public init() {}

    /// The signal that arrived, if any.
    public var signal: Int32? { lock.withLock { received } }

    /// Starts listening; `onSignal` runs once on the first signal (typically cancelling the run's task).
    public func install(onSignal: @escaping @Sendable () -> Void) {
        lock.withLock { handler = onSignal }
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.fire(number) }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    private func fire(_ number: Int32) {
        let callback: (@Sendable () -> Void)? = lock.withLock {
            guard received == nil else { return nil }
            received = number
            return handler
        }
        callback?()
    }
}

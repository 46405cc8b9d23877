import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Signals a child process (SIGKILL unless told otherwise) at the moment a stub server receives its Nth request after arming,
/// from the server's own thread: the kill lands while that request is unanswered, however busy
/// the test process is, so chaos tests kill mid-call rather than whenever the test task wakes.
public final class KillSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?
    private var remaining = 0
    private var signal = SIGKILL

    public init() {}

    /// Send `signal` to `pid` when `requests` more requests have arrived.
    public func arm(pid: pid_t, afterRequests requests: Int, signal: Int32 = SIGKILL) {
        lock.withLock {
            self.pid = pid
            self.signal = signal
            remaining = max(1, requests)
        }
    }

    /// Stops a pending kill (the child ended on its own).
    public func disarm() {
        lock.withLock { pid = nil }
    }

    /// Call on every request arrival; kills and disarms when the count is reached.
    public func requestArrived() {
        let victim: (pid_t, Int32)? = lock.withLock {
            guard let target = pid else { return nil }
            remaining -= 1
            guard remaining == 0 else { return nil }
            pid = nil
            return (target, signal)
        }
        if let (target, signal) = victim { kill(target, signal) }
    }

    /// `responder`, counting each completion request toward the pending signal first.
    public func counting(_ responder: @escaping StubModelServer.Responder) -> StubModelServer.Responder {
        { request in
            self.requestArrived()
            return responder(request)
        }
    }
}

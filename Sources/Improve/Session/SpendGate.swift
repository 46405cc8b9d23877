import Foundation
import ImproveCore
import Synchronization

/// Stands in front of every raw provider client of one process: it counts the calls actually
/// sent (paid), and, with a ceiling, reads the store's ledger before each one.
///
/// Only calls the journal could not replay reach a raw client, so this sees exactly the paid
/// calls. When the ledger shows the ceiling reached, the call does not start: the gate waits for
/// the calls already in flight to finish (so they complete and are journaled, not cut short and
/// paid twice), then cancels the run and throws `CancellationError`, which stops it at a step
/// boundary exactly like Ctrl-C and leaves it resumable. Calls started together may overshoot the
/// ceiling by at most the provider's concurrency.
///
/// Every run opened by `RunSession` passes such a gate: the caller's (``ImproveOptions/spendGate``,
/// configured with an override such as `--spend-ceiling`), or one made from the policy's
/// `spendCeiling`, so a library caller of `improve()` gets the policy's ceiling too.
public final class SpendGate: Sendable {
    /// Why the gate stopped the run.
    public struct Stop: Sendable, CustomStringConvertible {
        /// The ceiling, as written (`5usd`, `20000tokens`, `300calls`).
        public var ceiling: String
        /// What the store's runs spent in the window, in the ceiling's unit.
        public var spent: String
        /// The rolling window (`24h`).
        public var window: String
        public var description: String {
            "spend ceiling reached: \(spent) of \(ceiling) spent by this store's runs in the last \(window); no new paid call was started"
        }
    }

    private struct State {
        var store: (any RunStore)?
        var ceiling: SpendCeiling?
        var windowStart = Date.distantPast
        var windowText = ""
        var paid = 0
        var inFlight = 0
        var stop: Stop?
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var onStop: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// A gate that counts calls and enforces no ceiling until ``configure(_:now:)``.
    public init() {}

    /// A gate with the policy's `spendCeiling` (or none), its window measured back from now.
    ///
    /// The wall clock is read once, here, for the start of the window; the run only ever sees
    /// the value.
    public static func fromPolicy(_ policy: Policy) -> SpendGate {
        let gate = SpendGate()
        gate.configure(policy.spendCeiling, now: Date())
        return gate
    }

    /// Sets the ceiling (nil: count calls only). `now` was read once by the caller; the window's
    /// start is fixed from it, never re-read from a clock here.
    public func configure(_ setting: SpendCeilingSetting?, now: Date) {
        state.withLock { state in
            state.ceiling = setting?.ceiling
            state.windowStart = now.addingTimeInterval(-(setting?.windowSeconds ?? 0))
            state.windowText = setting?.window ?? ""
        }
    }

    /// Called once the ceiling stops the run (after the calls in flight finished): cancels the run.
    public func whenStopped(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onStop = action }
    }

    /// The store whose ledger the ceiling is checked against, once it is open (the gate is
    /// made before the store, because preflight must not create a store file).
    public func attach(_ store: any RunStore) {
        state.withLock { $0.store = store }
    }

    /// Calls this process sent to a provider.
    public var paidCalls: Int { state.withLock { $0.paid } }
    /// Set once the ceiling stopped the run.
    public var stopped: Stop? { state.withLock { $0.stop } }

    /// Every client `access` makes, behind this gate.
    public func guarding(_ access: ModelAccess) -> ModelAccess {
        ModelAccess(isStubOrReplay: access.isStubOrReplay) { spec in self.guarding(try access.makeClient(spec)) }
    }

    /// `client` behind this gate.
    public func guarding(_ client: any ModelClient) -> any ModelClient {
        GatedModelClient(inner: client, gate: self)
    }

    /// Runs `call`, a paid call that another process sends for this run (a worker of a
    /// distributed run), behind this gate: counted, and not started once the ceiling is reached.
    public func around<Value: Sendable>(_ call: @Sendable () async throws -> Value) async throws -> Value {
        try await enter()
        defer { leave() }
        return try await call()
    }

    fileprivate func enter() async throws {
        if try await check() != nil {
            await drained()
            // Cancel the whole run, as Ctrl-C does, so no code path that tolerates a failed
            // call (a discarded proposal, a persona turn) carries on without its answers.
            state.withLock { $0.onStop }?()
            throw CancellationError()
        }
    }

    /// Registers the call as in flight unless the ceiling is reached; returns the stop otherwise.
    private func check() async throws -> Stop? {
        if let stop = state.withLock({ $0.stop }) { return stop }
        let (store, ceiling, windowStart, windowText) = state.withLock { ($0.store, $0.ceiling, $0.windowStart, $0.windowText) }
        if let ceiling, let store {
            let totals = try await store.ledgerTotals(since: windowStart)
            if ceiling.isReached(by: totals) {
                let reason = Stop(ceiling: ceiling.description, spent: ceiling.format(ceiling.spent(totals)), window: windowText)
                return state.withLock { state in
                    if state.stop == nil { state.stop = reason }
                    return state.stop
                }
            }
        }
        state.withLock { state in
            state.paid += 1
            state.inFlight += 1
        }
        return nil
    }

    fileprivate func leave() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.drainWaiters = [] }
            return state.drainWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func drained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.inFlight == 0 { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A raw client behind a ``SpendGate``.
private struct GatedModelClient: ModelClient {
    let inner: any ModelClient
    let gate: SpendGate

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        try await gate.enter()
        defer { gate.leave() }
        return try await inner.complete(request)
    }
}

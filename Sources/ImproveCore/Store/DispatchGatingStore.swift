import Foundation

/// A store that hands model calls to other processes (the PostgreSQL store's workers), and so
/// needs the run's spend gate in front of each call it dispatches rather than in front of a
/// client of this process.
public protocol DispatchGatingStore: RunStore {
    /// Runs a dispatched call: enqueueing it and waiting for a worker's answer.
    typealias DispatchGate = @Sendable (_ call: @Sendable () async throws -> Data) async throws -> Data

    /// Puts `gate` before every call this store dispatches and has no answer for yet: replays
    /// pass by it, a new call is counted and may be refused before it is enqueued.
    func gateDispatches(_ gate: @escaping DispatchGate)
}

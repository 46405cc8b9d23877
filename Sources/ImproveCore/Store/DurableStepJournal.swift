import Foundation
import Synchronization

/// The ``StepJournal`` of one run and one worker over any ``StoreBackend``.
///
/// Checkpoints are `(name ?? sha256(canonical signature)) + "#" + occurrence`, where the
/// occurrence counts how often this journal instance has been asked for the same base name, so
/// a run that makes the same call twice gets two steps, and a resumed run (a new journal
/// replaying the same sequence of calls) meets them again under the same names.
///
/// Failure policy: a body that throws marks its step `failed` (or `cancelled`) with the
/// redacted error text and the error is rethrown; the next claim of that checkpoint (a resume)
/// retries it, since most failures (timeouts, exhausted retries) are transient.
public final class DurableStepJournal<Backend: StoreBackend>: StepJournal {
    /// The run this journal writes to.
    public let runID: String
    /// The logical worker whose claims this journal makes.
    public let workerID: String
    private let backend: Backend
    private struct Counters {
        var occurrences: [String: Int] = [:]
        var bodiesRun = 0
    }
    private let counters = Mutex(Counters())
    /// Steps already completed when this journal started: only these take the read-only
    /// replay path; any other step goes straight to the claim, which also replays a step that
    /// another worker completed meanwhile. A fresh run thus pays two transactions per step, not three.
    private let completedAtStart: Set<String>
    private let leases: LeaseKeeper<Backend>

    init(backend: Backend, runID: String, workerID: String, completedAtStart: Set<String>) {
        self.backend = backend
        self.leases = LeaseKeeper(backend: backend)
        self.runID = runID
        self.workerID = workerID
        self.completedAtStart = completedAtStart
    }

    /// How many step bodies this journal instance has executed (replays and waits excluded).
    public var executedBodies: Int { counters.withLock { $0.bodiesRun } }

    private func nextCheckpoint(base: String) -> String {
        counters.withLock { counters in
            let occurrence = (counters.occurrences[base] ?? 0) + 1
            counters.occurrences[base] = occurrence
            return "\(base)#\(occurrence)"
        }
    }

    public func step<Value: Codable & Sendable>(
        _ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type,
        body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        let signatureJSON = try CanonicalJSON.string(signature)
        let signatureHash = ContentHash.sha256(signatureJSON)
        let request = StepRequest(
            runID: runID, checkpoint: nextCheckpoint(base: name ?? signatureHash), kind: kind,
            signatureHash: signatureHash, signatureJSON: signatureJSON, workerID: workerID)

        if completedAtStart.contains(request.checkpoint), let stored = try await backend.completedResult(request) {
            return try StoreCoding.decodeResult(stored, as: Value.self)
        }
        var pause = WaitBackoff(lease: backend.leaseDuration)
        while true {
            switch try await backend.claim(request) {
            case .replay(let stored):
                return try StoreCoding.decodeResult(stored, as: Value.self)
            case .claimed(let claim):
                return try await run(claim, body: body)
            case .wait:
                // Polling is the cross-process signal: another process's commit has no callback.
                try await Task.sleep(nanoseconds: pause.next())
            }
        }
    }

    private func run<Value: Codable & Sendable>(
        _ claim: StepClaim, body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        counters.withLock { $0.bodiesRun += 1 }
        leases.hold(claim)
        let output: StepOutput<Value>
        do {
            output = try await body()
        } catch {
            leases.release(claim)
            try? await backend.fail(claim, message: String(describing: error), cancelled: error is CancellationError)
            throw error
        }
        leases.release(claim)
        let bytes = try StoreCoding.encodeResult(output.value)
        switch try await backend.complete(claim, runID: runID, workerID: workerID, result: bytes, charge: output.charge) {
        case .accepted:
            return output.value
        case .replay(let stored):
            return try StoreCoding.decodeResult(stored, as: Value.self)
        }
    }
}

/// Poll intervals while another worker holds a step: short at first (most steps finish fast),
/// doubling up to a quarter of the lease.
struct WaitBackoff {
    private var current: Double = 0.002
    private let ceiling: Double

    init(lease: TimeInterval) {
        ceiling = min(0.25, max(0.002, lease / 4))
    }

    mutating func next() -> UInt64 {
        let value = current
        current = min(ceiling, current * 2)
        return UInt64(value * 1_000_000_000)
    }
}

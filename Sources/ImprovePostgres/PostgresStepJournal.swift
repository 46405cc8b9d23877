import Foundation
import ImproveCore

/// The ``StepJournal`` of one run and one worker over a ``PostgresRunStore``, with the SQLite
/// journal's checkpoint naming: `(name ?? sha256(canonical signature)) + "#" + occurrence`.
///
/// With a ``dispatch`` set (a coordinator of a distributed run), model calls are not run here:
/// they are enqueued as pending steps carrying their request, workers execute them, and this
/// journal waits for each result. Every other step runs in this process as usual.
public final class PostgresStepJournal: StepJournal {
    public let runID: String
    public let workerID: String
    /// Step kinds this journal hands to workers instead of running their bodies.
    public let dispatch: Set<StepKind>
    private let store: PostgresRunStore
    private let counter = CheckpointCounter()
    private let leases: PostgresLeaseKeeper
    /// Steps completed when the journal started take the read-only replay path.
    private let completedAtStart: Set<String>

    init(store: PostgresRunStore, runID: String, workerID: String, dispatch: Set<StepKind>, completedAtStart: Set<String>) {
        self.store = store
        self.runID = runID
        self.workerID = workerID
        self.dispatch = dispatch
        self.completedAtStart = completedAtStart
        leases = PostgresLeaseKeeper(store: store)
    }

    /// How many step bodies this journal instance has executed (replays, waits and dispatched steps excluded).
    public func executedBodies() async -> Int { await counter.bodies }

    public func step<Value: Codable & Sendable>(
        _ kind: StepKind, name: String?, signature: JSONValue, as type: Value.Type,
        body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        let signatureJSON = try CanonicalJSON.string(signature)
        let signatureHash = ContentHash.sha256(signatureJSON)
        let request = PostgresStepRequest(
            runID: runID, checkpoint: await counter.next(base: name ?? signatureHash), kind: kind,
            signatureHash: signatureHash, signatureJSON: signatureJSON, workerID: workerID)
        if completedAtStart.contains(request.checkpoint), let stored = try await store.completedResult(request) {
            return try PostgresCoding.decodeResult(stored, as: Value.self)
        }
        if dispatch.contains(kind) {
            return try PostgresCoding.decodeResult(try await store.enqueueAndWait(request), as: Value.self)
        }
        var pause = PostgresWaitBackoff(lease: store.leaseDuration)
        while true {
            switch try await store.claim(request) {
            case .replay(let stored):
                return try PostgresCoding.decodeResult(stored, as: Value.self)
            case .claimed(let claim):
                return try await run(claim, body: body)
            case .wait:
                // Polling is the cross-process signal: another process's commit has no callback here.
                try await Task.sleep(nanoseconds: pause.next())
            }
        }
    }

    private func run<Value: Codable & Sendable>(
        _ claim: PostgresStepClaim, body: @escaping @Sendable () async throws -> StepOutput<Value>
    ) async throws -> Value {
        await counter.ranBody()
        await leases.hold(claim)
        let output: StepOutput<Value>
        do {
            output = try await body()
        } catch {
            await leases.release(claim)
            try? await store.fail(claim, message: String(describing: error), cancelled: error is CancellationError)
            throw error
        }
        await leases.release(claim)
        let bytes = try PostgresCoding.encodeResult(output.value)
        if let stored = try await store.complete(claim, runID: runID, workerID: workerID, result: bytes, charge: output.charge) {
            return try PostgresCoding.decodeResult(stored, as: Value.self)
        }
        return output.value
    }
}

/// Occurrence counts per checkpoint base, and how many bodies ran.
actor CheckpointCounter {
    private var occurrences: [String: Int] = [:]
    private(set) var bodies = 0

    func next(base: String) -> String {
        let occurrence = (occurrences[base] ?? 0) + 1
        occurrences[base] = occurrence
        return "\(base)#\(occurrence)"
    }

    func ranBody() { bodies += 1 }
}

/// Poll intervals while another worker holds a step: short at first, doubling up to a quarter
/// of the lease (and never above 250 ms).
struct PostgresWaitBackoff {
    private var current: Double = 0.002
    private let ceiling: Double

    init(lease: TimeInterval, ceiling: Double = 0.25) {
        self.ceiling = min(ceiling, max(0.002, lease / 4))
    }

    mutating func next() -> UInt64 {
        let value = current
        current = min(ceiling, current * 2)
        return UInt64(value * 1_000_000_000)
    }
}

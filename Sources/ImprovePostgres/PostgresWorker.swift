import Foundation
import ImproveCore

/// A worker process's loop: claims model calls that coordinators enqueued, runs each through
/// the allowed-models guard of its run's policy and this worker's own provider configuration,
/// and completes it with its ledger charge.
///
/// Claims use `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's rows; each
/// claimed step runs in one of `concurrency` lanes.
public struct PostgresWorker: Sendable {
    /// Turns a requested model into a client of this worker's configuration, or throws when
    /// this worker cannot serve it (an unknown provider, a missing key).
    public typealias ClientFactory = @Sendable (ModelSpec) throws -> any ModelClient

    /// What the worker reports while it runs (refused models, failed steps).
    public typealias Note = @Sendable (String) -> Void

    /// The shared store whose queue this worker serves.
    public let store: PostgresRunStore
    /// This worker's id in the store (distinct per process).
    public let workerID: String
    /// Steps this worker runs at once.
    public let concurrency: Int
    /// When set, the worker serves this run only (otherwise every run of the store).
    public let runID: String?
    private let makeClient: ClientFactory
    private let note: Note
    private let state: WorkerState

    /// A worker; nothing happens until ``run()``.
    public init(
        store: PostgresRunStore, workerID: String, concurrency: Int, runID: String? = nil, makeClient: @escaping ClientFactory,
        note: @escaping Note = { _ in }
    ) {
        self.store = store
        self.runID = runID
        self.workerID = workerID
        self.concurrency = max(1, concurrency)
        self.makeClient = makeClient
        self.note = note
        state = WorkerState(store: store)
    }

    /// Steps this worker completed (executed bodies, not replays).
    public func completedSteps() async -> Int { await state.completed }

    /// Runs until the calling task is cancelled.
    ///
    /// One claimer per worker asks for as many steps as there are free lanes, in one query, so
    /// an idle worker polls the database once per tick however many lanes it has; the poll
    /// interval starts at 2 ms after a claim and grows to 10 ms while the queue stays empty.
    public func run() async {
        let leases = LeaseKeeper(backend: store)
        let lanes = FreeLanes(concurrency)
        await withDiscardingTaskGroup { group in
            var pause = WaitBackoff(ceiling: 0.01)
            while !Task.isCancelled {
                let free = await lanes.waitForFree()
                guard free > 0 else { break }
                let claimed: [QueuedStep]
                do {
                    claimed = try await store.claimQueued(workerID: workerID, limit: free, excludingModels: await state.refused, runID: runID)
                } catch is CancellationError {
                    break
                } catch {
                    note("claiming steps failed: \(error)")
                    claimed = []
                }
                if claimed.isEmpty {
                    try? await Task.sleep(nanoseconds: pause.next())
                    continue
                }
                pause = WaitBackoff(ceiling: 0.01)
                for step in claimed {
                    await lanes.take()
                    leases.hold(step.claim)
                    group.addTask {
                        await execute(step)
                        leases.release(step.claim)
                        await lanes.put()
                    }
                }
            }
        }
    }

    private func execute(_ step: QueuedStep) async {
        do {
            guard step.kind == .modelCall else {
                throw WorkerRefusal(reason: "workers run model calls only, and step \(step.claim.checkpoint) is a \(step.kind.rawValue)")
            }
            let request = try ChatRequest(decoding: step.signature.objectValue?["request"])
            let allowed = try await state.allowedModels(runID: step.runID)
            let raw: any ModelClient
            do {
                raw = try makeClient(request.model)
            } catch {
                // Another worker may serve it: hand the step back and stop claiming this model.
                try await store.releaseQueued(step)
                if await state.refuse(request.model.qualifiedName) {
                    note("worker \(workerID) cannot serve \(request.model.qualifiedName) (\(error)); leaving its calls to other workers")
                }
                return
            }
            let response = try await GuardedModelClient(raw, allowed: allowed, role: "worker").complete(request)
            let charge = LedgerCharge(
                model: request.model.qualifiedName, inputTokens: response.usage.inputTokens,
                outputTokens: response.usage.outputTokens, cost: response.usage.cost)
            try await store.completeQueued(step, workerID: workerID, result: try StoreCoding.encodeResult(response), charge: charge)
            await state.didComplete()
        } catch where Task.isCancelled {
            // Shutting down (whatever error the cut-short call threw): the step goes back to the
            // queue for another worker at once instead of failing the coordinator's run.
            try? await store.releaseQueued(step)
        } catch {
            note("step \(step.claim.checkpoint) of \(step.runID) failed: \(error)")
            try? await store.failQueued(step, message: String(describing: error))
        }
    }
}

/// A step this worker will not run, with the reason.
struct WorkerRefusal: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The lanes of a worker that are not running a step.
actor FreeLanes {
    private var free: Int
    private var waiting: CheckedContinuation<Void, Never>?

    init(_ count: Int) {
        free = count
    }

    /// The number of free lanes, once there is at least one (0 when the task is cancelled).
    func waitForFree() async -> Int {
        if free == 0 {
            await withCheckedContinuation { waiting = $0 }
        }
        return Task.isCancelled ? 0 : free
    }

    func take() { free -= 1 }

    func put() {
        free += 1
        waiting?.resume()
        waiting = nil
    }
}

/// The worker's shared counters and caches.
actor WorkerState {
    private let store: PostgresRunStore
    private var policies: [String: AllowedModels] = [:]
    private(set) var refused: [String] = []
    private(set) var completed = 0

    init(store: PostgresRunStore) {
        self.store = store
    }

    /// The allowed models of the run's stored policy: the policy travels with the run, so a
    /// worker enforces what the coordinator's policy says, whatever its own files say.
    func allowedModels(runID: String) async throws -> AllowedModels {
        if let known = policies[runID] { return known }
        guard let run = try await store.run(id: runID) else { throw StoreError.unknownRun(id: runID, store: store.location) }
        let policy = try JSONDecoder().decode(StoredPolicyModels.self, from: Data(try CanonicalJSON.string(run.spec.policy).utf8))
        policies[runID] = policy.allowedModels
        return policy.allowedModels
    }

    /// Records a model this worker cannot serve; true the first time.
    func refuse(_ model: String) -> Bool {
        guard !refused.contains(model) else { return false }
        refused.append(model)
        return true
    }

    func didComplete() { completed += 1 }
}

/// The part of a stored policy a worker reads.
private struct StoredPolicyModels: Decodable {
    var allowedModels: AllowedModels
}

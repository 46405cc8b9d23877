import Foundation
import ImproveCore
import PostgresNIO
import Synchronization

/// The shared durable store: runs, their step journals and ledgers in one PostgreSQL database
/// that any number of processes on any number of machines use at once.
///
/// A ``StoreBackend``: ImproveCore's store semantics (run ids from dedupe keys, claims under
/// leases, exactly-once completion with one ledger row per paid step, keyed events) over the
/// PostgreSQL primitives in `PostgresRunStore+Backend.swift`. On top, a queue for distributed
/// runs: steps a coordinator enqueues and workers run (`PostgresStepQueue.swift`).
public final class PostgresRunStore: Sendable {
    /// The address, without password: what messages name.
    public var location: String { database.location.description }
    /// How long a claimed step stays reserved for its worker without renewal.
    public let leaseDuration: TimeInterval
    /// Step kinds this store's journals hand to workers instead of running them (a distributed
    /// run's coordinator opens the store with `[.modelCall]`); empty runs everything in-process.
    public let dispatch: Set<StepKind>
    let database: PostgresDatabase
    /// What each new dispatched call passes through before it is enqueued (a spend ceiling).
    private let dispatchGate = Mutex<DispatchGate?>(nil)
    /// Where a coordinator waits for the steps it dispatched.
    let completions: PostgresCompletionWatcher

    private init(database: PostgresDatabase, leaseDuration: TimeInterval, dispatch: Set<StepKind>) {
        self.database = database
        self.leaseDuration = leaseDuration
        self.dispatch = dispatch
        completions = PostgresCompletionWatcher(database: database)
    }

    /// Connects to `location` (password from `PGPASSWORD` in `environment`) and applies the
    /// migrations the database lacks.
    ///
    /// - Parameters:
    ///   - leaseDuration: seconds a claimed step is reserved; journals and workers renew it every
    ///     third of this while the step runs.
    ///   - connections: the connection pool's ceiling.
    ///   - dispatch: step kinds to enqueue for workers (`[.modelCall]` for `run --distributed`).
    ///   - schema: a schema of its own inside the database (created when missing), so that one
    ///     database holds several independent stores; nil for the default (`public`).
    /// - Throws: ``PostgresStoreError`` when the server cannot be reached, refuses the login or
    ///   holds a newer schema.
    public static func open(
        _ location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment,
        leaseDuration: TimeInterval = 60, connections: Int = 20, dispatch: Set<StepKind> = [], schema: String? = nil,
        redactor: Redactor = .fromEnvironment()
    ) async throws -> PostgresRunStore {
        try await PostgresDatabase.probe(location, schema: schema, environment: environment, redactor: redactor)
        let database = PostgresDatabase(
            location: location, schema: schema, environment: environment, redactor: redactor, connections: connections)
        do {
            try await PostgresSchema.migrate(database)
        } catch {
            database.close()
            throw error
        }
        return PostgresRunStore(database: database, leaseDuration: leaseDuration, dispatch: dispatch)
    }

    /// Connects to the existing store at `location` for reading (`improve-cli runs`, `show`,
    /// `report`): nothing is created or migrated, so an inspection pointed at an empty database
    /// leaves it empty.
    ///
    /// - Parameter schema: the store's schema inside the database; nil for the default (`public`).
    ///   Unlike ``open(_:environment:leaseDuration:connections:dispatch:schema:redactor:)``, a
    ///   missing schema is not created.
    /// - Throws: ``StoreOpeningError/noStore(location:)`` when the database (or `schema`) holds
    ///   no improve store; ``PostgresStoreError`` when the server cannot be reached, refuses the
    ///   login or holds a newer schema.
    public static func openExisting(
        _ location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment, schema: String? = nil,
        redactor: Redactor = .fromEnvironment()
    ) async throws -> PostgresRunStore {
        // No schema for the probe: given one, it creates it.
        try await PostgresDatabase.probe(location, schema: nil, environment: environment, redactor: redactor)
        let database = PostgresDatabase(location: location, schema: schema, environment: environment, redactor: redactor)
        do {
            try await PostgresSchema.requireExisting(database)
        } catch {
            database.close()
            throw error
        }
        // A reader claims no steps; the lease is the default of a store that does.
        return PostgresRunStore(database: database, leaseDuration: 60, dispatch: [])
    }

    /// Puts `gate` before every call this store's coordinator journals dispatch and the store
    /// has no answer for yet, as a spend ceiling stands before a raw client in one process:
    /// replays pass by it, a new call is counted and may be refused before it is enqueued.
    public func gateDispatches(_ gate: @escaping DispatchGate) {
        dispatchGate.withLock { $0 = gate }
    }

    var currentDispatchGate: DispatchGate? { dispatchGate.withLock { $0 } }

    /// Closes the connection pool; later calls fail.
    public func close() {
        database.close()
    }

    /// The step journal of `runID` for `workerID`: the store's own journal, or with
    /// ``dispatch`` kinds the journal of a distributed run's coordinator.
    public func journal(runID: String, workerID: String) async throws -> any StepJournal {
        guard !dispatch.isEmpty else { return try await stepJournal(runID: runID, workerID: workerID) }
        return try await dispatchingJournal(runID: runID, workerID: workerID, kinds: dispatch)
    }

    /// The journal of a distributed run's coordinator: steps of `kinds` are enqueued for
    /// workers and waited for; every other step runs in this process.
    public func dispatchingJournal(runID: String, workerID: String, kinds: Set<StepKind> = [.modelCall]) async throws -> any StepJournal {
        let local = try await stepJournal(runID: runID, workerID: workerID)
        return DispatchingStepJournal(
            local: local, store: self, runID: runID, workerID: workerID, dispatch: kinds,
            completedAtStart: try await completedCheckpoints(runID: runID))
    }
}

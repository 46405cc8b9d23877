import Foundation
import ImproveCore
import PostgresNIO

/// The shared durable store: runs, their step journals and ledgers in one PostgreSQL database
/// that any number of processes on any number of machines use at once.
///
/// It keeps the SQLite store's semantics (run ids derived from dedupe keys, idempotent
/// candidates, evaluations and keyed events, one ledger row per completed paid step written with
/// the completion) and adds a queue: steps a coordinator enqueues for workers.
public final class PostgresRunStore: Sendable {
    /// The address, without password: what messages name.
    public var location: String { database.location.description }
    /// How long a claimed step stays reserved for its worker without renewal.
    public let leaseDuration: TimeInterval
    let database: PostgresDatabase
    /// Where a coordinator waits for the steps it dispatched.
    let completions: PostgresCompletionWatcher

    private init(database: PostgresDatabase, leaseDuration: TimeInterval) {
        self.database = database
        self.leaseDuration = leaseDuration
        completions = PostgresCompletionWatcher(database: database)
    }

    /// Connects to `location` (password from `PGPASSWORD` in `environment`) and applies the
    /// migrations the database lacks.
    ///
    /// - Parameters:
    ///   - leaseDuration: seconds a claimed step is reserved; journals and workers renew it every
    ///     third of this while the step runs.
    ///   - connections: the connection pool's ceiling.
    ///   - schema: a schema of its own inside the database (created when missing), so that one
    ///     database holds several independent stores; nil for the default (`public`).
    /// - Throws: ``PostgresStoreError`` when the server cannot be reached, refuses the login or
    ///   holds a newer schema.
    public static func open(
        _ location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment,
        leaseDuration: TimeInterval = 60, connections: Int = 20, schema: String? = nil, redactor: Redactor = .fromEnvironment()
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
        return PostgresRunStore(database: database, leaseDuration: leaseDuration)
    }

    /// Closes the connection pool; later calls fail.
    public func close() {
        database.close()
    }

    // MARK: - Runs

    /// The id of the run opened with `dedupeKey`: the same derivation as the SQLite store, so a
    /// run has one id whichever backend holds it.
    public static func runID(forDedupeKey dedupeKey: String) -> String {
        "run-" + ContentHash.sha256(dedupeKey).prefix(12)
    }

    /// Opens the run for `spec.dedupeKey`, creating it if new; `joined` is true when it existed.
    public func openRun(_ spec: RunSpec, workerID: String) async throws -> (run: RunRecord, joined: Bool) {
        let id = Self.runID(forDedupeKey: spec.dedupeKey)
        let config = try PostgresCoding.text(spec.config)
        let policy = try PostgresCoding.text(spec.policy)
        let seed = String(spec.seed)
        let joined = try await database.transaction { connection in
            let now = PostgresCoding.now()
            let inserted = try await connection.query("""
                INSERT INTO runs (id, dedupe_key, state, seed, profile_name, profile_hash, surface, generator,
                                  config_json, policy_json, created_at, updated_at)
                VALUES (\(id), \(spec.dedupeKey), 'running', \(seed), \(spec.profileName), \(spec.profileHash), \(spec.surface),
                        \(spec.generator), \(config), \(policy), \(now), \(now))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: PostgresDatabase.silent).collect()
            if inserted.isEmpty {
                // Joining a run that had stopped makes it running again; a completed run stays completed.
                try await connection.query(
                    "UPDATE runs SET state = 'running', updated_at = \(now) WHERE id = \(id) AND state IN ('interrupted', 'failed', 'cancelled')",
                    logger: PostgresDatabase.silent)
            }
            try await Self.startAttempt(connection, runID: id, workerID: workerID, now: now)
            return inserted.isEmpty
        }
        guard let record = try await run(id: id) else { throw StoreError.unknownRun(id: id, store: location) }
        return (record, joined)
    }

    /// Reopens a run by id for resumption (a new attempt).
    public func resumeRun(id: String, workerID: String) async throws -> RunRecord {
        let location = location
        try await database.transaction { connection in
            let states = try await connection.query("SELECT state FROM runs WHERE id = \(id) FOR UPDATE", logger: PostgresDatabase.silent)
                .collect().named
            guard let state = try states.first?.value("state", as: String.self) else {
                throw StoreError.unknownRun(id: id, store: location)
            }
            if state == RunState.completed.rawValue { throw StoreError.runNotResumable(id: id, state: state) }
            let now = PostgresCoding.now()
            try await connection.query(
                "UPDATE runs SET state = 'running', failure = NULL, updated_at = \(now) WHERE id = \(id)", logger: PostgresDatabase.silent)
            try await Self.startAttempt(connection, runID: id, workerID: workerID, now: now)
        }
        guard let record = try await run(id: id) else { throw StoreError.unknownRun(id: id, store: location) }
        return record
    }

    private static func startAttempt(_ connection: PostgresConnection, runID: String, workerID: String, now: Double) async throws {
        try await connection.query(
            "INSERT INTO attempts (run_id, worker_id, started_at) VALUES (\(runID), \(workerID), \(now))", logger: PostgresDatabase.silent)
    }

    /// The run with id `id`, or nil.
    public func run(id: String) async throws -> RunRecord? {
        try await database.rows(PostgresQuery(unsafeSQL: PostgresRunRows.select + " WHERE r.id = $1", binds: Self.binds(id)))
            .named.first.map(PostgresRunRows.record)
    }

    /// All runs, newest first.
    public func listRuns(limit: Int) async throws -> [RunRecord] {
        var binds = PostgresBindings()
        binds.append(max(0, limit))
        return try await database.rows(PostgresQuery(
            unsafeSQL: PostgresRunRows.select + " ORDER BY r.updated_at DESC, r.ordinal DESC LIMIT $1", binds: binds)
        ).named.map(PostgresRunRows.record)
    }

    /// Marks the run finished (or interrupted) with its result or (redacted) failure.
    public func finishRun(id: String, state: RunState, result: JSONValue?, failure: String?) async throws {
        let resultText = try result.map(PostgresCoding.text)
        let failureText = failure.map(database.redactor.redact)
        let location = location
        try await database.transaction { connection in
            let now = PostgresCoding.now()
            let updated = try await connection.query(
                "UPDATE runs SET state = \(state.rawValue), result_json = \(resultText), failure = \(failureText), updated_at = \(now) WHERE id = \(id) RETURNING id",
                logger: PostgresDatabase.silent).collect()
            guard !updated.isEmpty else { throw StoreError.unknownRun(id: id, store: location) }
            try await connection.query(
                "UPDATE attempts SET ended_at = \(now) WHERE run_id = \(id) AND ended_at IS NULL", logger: PostgresDatabase.silent)
        }
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }

    /// Throws ``StoreError/unknownRun(id:store:)`` unless the run exists.
    func requireRun(_ id: String) async throws {
        let found = try await database.rows("SELECT 1 FROM runs WHERE id = \(id)")
        guard !found.isEmpty else { throw StoreError.unknownRun(id: id, store: location) }
    }
}

extension PostgresRunStore {
    /// The step journal of `runID` for `workerID`.
    ///
    /// - Parameter dispatch: step kinds to hand to workers instead of running here (a
    ///   coordinator of a distributed run passes `[.modelCall]`); empty runs everything here.
    public func stepJournal(runID: String, workerID: String, dispatch: Set<StepKind> = []) async throws -> PostgresStepJournal {
        try await requireRun(runID)
        return PostgresStepJournal(
            store: self, runID: runID, workerID: workerID, dispatch: dispatch,
            completedAtStart: try await completedCheckpoints(runID: runID))
    }
}

import Foundation
import ImproveCore
import PostgresNIO

/// The storage primitives of ``StoreBackend`` in PostgreSQL: each one statement or one short
/// transaction. The semantics above them (claims, leases, replays) are ImproveCore's.
extension PostgresRunStore: StoreBackend {
    /// Applied to every error text before it is stored (secrets from the environment, PGPASSWORD among them).
    public var redactor: Redactor { database.redactor }

    // MARK: Runs

    public func upsertRun(id: String, spec: StoredRunSpec, workerID: String, at now: Double) async throws -> Bool {
        let run = spec.spec
        let seed = String(run.seed)
        return try await database.transaction { connection in
            let inserted = try await connection.query("""
                INSERT INTO runs (id, dedupe_key, state, seed, profile_name, profile_hash, surface, generator,
                                  config_json, policy_json, created_at, updated_at)
                VALUES (\(id), \(run.dedupeKey), 'running', \(seed), \(run.profileName), \(run.profileHash), \(run.surface),
                        \(run.generator), \(spec.configText), \(spec.policyText), \(now), \(now))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: PostgresDatabase.silent).collect()
            if inserted.isEmpty {
                try await connection.query(
                    "UPDATE runs SET state = 'running', updated_at = \(now) WHERE id = \(id) AND state IN ('interrupted', 'failed', 'cancelled')",
                    logger: PostgresDatabase.silent)
            }
            try await Self.startAttempt(connection, runID: id, workerID: workerID, now: now)
            return inserted.isEmpty
        }
    }

    public func reopenRun(id: String, workerID: String, refused: RunState, at now: Double) async throws -> RunState? {
        try await database.transaction { connection in
            let rows = try await connection.query("SELECT state FROM runs WHERE id = \(id) FOR UPDATE", logger: PostgresDatabase.silent)
                .collect().named
            guard let text = try rows.first?.value("state", as: String.self) else { return nil }
            let state = RunState(rawValue: text) ?? .failed
            guard state != refused else { return state }
            try await connection.query(
                "UPDATE runs SET state = 'running', failure = NULL, updated_at = \(now) WHERE id = \(id)", logger: PostgresDatabase.silent)
            try await Self.startAttempt(connection, runID: id, workerID: workerID, now: now)
            return state
        }
    }

    private static func startAttempt(_ connection: PostgresConnection, runID: String, workerID: String, now: Double) async throws {
        try await connection.query(
            "INSERT INTO attempts (run_id, worker_id, started_at) VALUES (\(runID), \(workerID), \(now))", logger: PostgresDatabase.silent)
    }

    public func updateRunEnd(id: String, state: RunState, resultText: String?, failureText: String?, at now: Double) async throws -> Bool {
        try await database.transaction { connection in
            let updated = try await connection.query(
                "UPDATE runs SET state = \(state.rawValue), result_json = \(resultText), failure = \(failureText), updated_at = \(now) WHERE id = \(id) RETURNING id",
                logger: PostgresDatabase.silent).collect()
            guard !updated.isEmpty else { return false }
            try await connection.query(
                "UPDATE attempts SET ended_at = \(now) WHERE run_id = \(id) AND ended_at IS NULL", logger: PostgresDatabase.silent)
            return true
        }
    }

    public func fetchRun(id: String) async throws -> RunRecord? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await database.rows(PostgresQuery(unsafeSQL: PostgresRunRows.select + " WHERE r.id = $1", binds: binds))
            .named.first.map(PostgresRunRows.record)
    }

    public func fetchRuns(updatedSince: Date?, limit: Int) async throws -> [RunDigestRow] {
        var binds = PostgresBindings()
        binds.append(updatedSince?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude)
        binds.append(max(0, limit))
        let sql = """
            SELECT * FROM (\(PostgresRunRows.select)) runs_with_ledger,
                LATERAL (SELECT COUNT(*)::BIGINT AS failed_steps FROM steps WHERE run_id = runs_with_ledger.id AND state = 'failed') f
            WHERE updated_at >= $1 ORDER BY updated_at DESC, ordinal DESC LIMIT $2
            """
        return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).named.map { row in
            RunDigestRow(run: try PostgresRunRows.record(row), failedSteps: try row.value("failed_steps"))
        }
    }

    // MARK: Steps

    public func fetchStep(runID: String, checkpoint: String) async throws -> StoredStep? {
        try await database.rows("""
            SELECT id, state, signature_hash, result_json, worker_id, lease_expires_at, attempts
            FROM steps WHERE run_id = \(runID) AND checkpoint = \(checkpoint)
            """).named.first.map { try Self.storedStep($0, in: location) }
    }

    static func storedStep(_ row: PostgresRandomAccessRow, in location: String) throws -> StoredStep {
        StoredStep(
            id: try row.value("id"), state: try row.stepState(in: location),
            signatureHash: try row.value("signature_hash"), result: try row.value("result_json"), workerID: try row.value("worker_id"),
            leaseExpiresAt: try row.value("lease_expires_at"), attempts: try row.value("attempts"))
    }

    /// One round trip for a fresh step (an autocommitted conflict-free insert); an existing
    /// step is read by a second statement, which needs no transaction with the first: the
    /// claim above takes it over only by a compare-and-set on its attempt count.
    public func insertStep(_ request: StepRequest, leaseUntil: Double, at now: Double) async throws -> StepInsertion {
        let inserted = try await database.rows("""
            INSERT INTO steps (run_id, checkpoint, kind, signature_hash, signature_json, state, worker_id,
                               lease_expires_at, attempts, created_at, updated_at)
            VALUES (\(request.runID), \(request.checkpoint), \(request.kind.rawValue), \(request.signatureHash),
                    \(request.signatureJSON), 'running', \(request.workerID), \(leaseUntil), 1, \(now), \(now))
            ON CONFLICT (run_id, checkpoint) DO NOTHING RETURNING id
            """).named
        if let row = inserted.first { return .inserted(try row.value("id")) }
        guard let existing = try await fetchStep(runID: request.runID, checkpoint: request.checkpoint) else {
            throw StoreError.stepFailed(
                checkpoint: request.checkpoint, message: "the step could neither be inserted nor found (was run \(request.runID) deleted?)")
        }
        return .existing(existing)
    }

    public func retakeStep(id: Int64, seenAttempts: Int, workerID: String, leaseUntil: Double, at now: Double) async throws -> Bool {
        !(try await database.rows("""
            UPDATE steps SET state = 'running', worker_id = \(workerID), lease_expires_at = \(leaseUntil),
                             attempts = \(seenAttempts + 1), error = NULL, updated_at = \(now)
            WHERE id = \(id) AND attempts = \(seenAttempts) AND state != 'completed' RETURNING id
            """).isEmpty)
    }

    /// One statement, so one round trip and atomic without an explicit transaction: the
    /// guarded update and, when it changed the row and there is a charge, the ledger row.
    public func completeStep(_ claim: StepClaim, runID: String, workerID: String, result: Data, charge: LedgerCharge?, at now: Double) async throws -> CompletionOutcome {
        let paid = charge != nil
        let model = charge?.model ?? ""
        let inputTokens = charge?.inputTokens ?? 0, outputTokens = charge?.outputTokens ?? 0
        let cost = charge?.cost ?? 0
        let accepted = try await database.rows("""
            WITH done AS (
                UPDATE steps SET state = 'completed', result_json = \(result), error = NULL, worker_id = \(workerID),
                                 lease_expires_at = NULL, updated_at = \(now)
                WHERE id = \(claim.stepID) AND state != 'completed' RETURNING id
            ), charged AS (
                INSERT INTO ledger (run_id, checkpoint, step_id, model, input_tokens, output_tokens, cost, created_at)
                SELECT \(runID), \(claim.checkpoint), id, \(model), \(inputTokens), \(outputTokens), \(cost), \(now)
                FROM done WHERE \(paid)
                RETURNING id
            )
            SELECT (SELECT COUNT(*) FROM done)::BIGINT AS accepted, (SELECT COUNT(*) FROM charged)::BIGINT AS charged
            """).named.first
        if try accepted?.value("accepted", as: Int.self) == 1 { return .accepted }
        let stored = try await database.rows("SELECT result_json FROM steps WHERE id = \(claim.stepID)").named.first
        guard let stored else {
            throw StoreError.stepFailed(checkpoint: claim.checkpoint, message: "its row is gone, so its result cannot be stored (was run \(runID) deleted?)")
        }
        return .replay(try stored.value("result_json", as: Data?.self) ?? Data())
    }

    public func endStep(_ claim: StepClaim, state: StepState, message: String, at now: Double) async throws {
        _ = try await database.rows("""
            UPDATE steps SET state = \(state.rawValue), error = \(message), lease_expires_at = NULL, updated_at = \(now)
            WHERE id = \(claim.stepID) AND attempts = \(claim.attempt) AND state = 'running'
            """)
    }

    public func renewStep(_ claim: StepClaim, leaseUntil: Double, at now: Double) async throws {
        _ = try await database.rows("""
            UPDATE steps SET lease_expires_at = \(leaseUntil), updated_at = \(now)
            WHERE id = \(claim.stepID) AND attempts = \(claim.attempt) AND state = 'running'
            """)
    }

    public func completedCheckpoints(runID: String) async throws -> Set<String> {
        Set(try await database.rows("SELECT checkpoint FROM steps WHERE run_id = \(runID) AND state = 'completed'")
            .named.map { try $0.value("checkpoint", as: String.self) })
    }

    public func fetchSteps(runID: String) async throws -> [StepRecord] {
        try await database.rows(
            "SELECT checkpoint, kind, state, attempts, error, worker_id FROM steps WHERE run_id = \(runID) ORDER BY id"
        ).named.map { row in
            StepRecord(
                checkpoint: try row.value("checkpoint"), kind: try StepKind.stored(try row.value("kind"), in: location),
                state: try row.stepState(in: location),
                attempts: try row.value("attempts"), error: try row.value("error"), workerID: try row.value("worker_id"))
        }
    }
}

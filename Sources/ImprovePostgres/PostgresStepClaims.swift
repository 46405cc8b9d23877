import Foundation
import ImproveCore
import PostgresNIO

/// A worker's hold on a step row: the attempt number it claimed doubles as a fencing token, so a
/// worker whose claim was taken over cannot renew or fail the new holder's attempt.
public struct PostgresStepClaim: Sendable, Hashable {
    /// The step row.
    public let stepID: Int64
    /// The attempt this claim is.
    public let attempt: Int
    /// The step's checkpoint, for messages and the ledger row.
    public let checkpoint: String
}

/// What a claim request found.
enum PostgresClaimOutcome: Sendable {
    /// The step completed before: its stored result bytes.
    case replay(Data)
    /// The caller now runs the body.
    case claimed(PostgresStepClaim)
    /// Another worker holds a live lease, or the step waits in the queue.
    case wait
}

/// A step to claim or enqueue: its checkpoint and signature within a run.
struct PostgresStepRequest: Sendable {
    let runID: String
    let checkpoint: String
    let kind: StepKind
    let signatureHash: String
    let signatureJSON: String
    let workerID: String
}

/// The step-table operations behind the journal, each one short transaction. Checkpoint claims
/// lock the one row they judge (`SELECT … FOR UPDATE`) and change it with a conditional update.
extension PostgresRunStore {
    /// The stored result of a completed step, read without a lock: the fast path of a replay.
    /// Also checks the signature.
    func completedResult(_ request: PostgresStepRequest) async throws -> Data? {
        let rows = try await database.rows(
            "SELECT state, signature_hash, result_json FROM steps WHERE run_id = \(request.runID) AND checkpoint = \(request.checkpoint)"
        ).named
        guard let row = rows.first else { return nil }
        let stored: String = try row.value("signature_hash")
        guard stored == request.signatureHash else {
            throw StoreError.signatureMismatch(runID: request.runID, checkpoint: request.checkpoint, stored: stored, given: request.signatureHash)
        }
        return try row.value("state", as: String.self) == "completed" ? try row.value("result_json", as: Data?.self) : nil
    }

    /// Claims the step, or reports that it completed or is held by a live lease.
    func claim(_ request: PostgresStepRequest) async throws -> PostgresClaimOutcome {
        let lease = leaseDuration
        return try await database.transaction { connection in
            let now = PostgresCoding.now()
            let inserted = try await connection.query("""
                INSERT INTO steps (run_id, checkpoint, kind, signature_hash, signature_json, state, worker_id,
                                   lease_expires_at, attempts, created_at, updated_at)
                VALUES (\(request.runID), \(request.checkpoint), \(request.kind.rawValue), \(request.signatureHash),
                        \(request.signatureJSON), 'running', \(request.workerID), \(now + lease), 1, \(now), \(now))
                ON CONFLICT (run_id, checkpoint) DO NOTHING RETURNING id
                """, logger: PostgresDatabase.silent).collect().named
            if let row = inserted.first {
                return .claimed(PostgresStepClaim(stepID: try row.value("id"), attempt: 1, checkpoint: request.checkpoint))
            }
            let row = try await Self.lockedStep(connection, request)
            let state: String = try row.value("state")
            if state == "completed" { return .replay(try row.value("result_json", as: Data?.self) ?? Data()) }
            if state == "running" {
                let holder: String? = try row.value("worker_id")
                let expires: Double = try row.value("lease_expires_at", as: Double?.self) ?? 0
                // The only place the clock decides anything: whether a lease has lapsed.
                if holder != request.workerID, expires > now { return .wait }
            }
            // Failed, cancelled, pending, an expired lease, or our own claim from before a restart.
            let attempt: Int = try row.value("attempts", as: Int.self) + 1
            let stepID: Int64 = try row.value("id")
            try await connection.query("""
                UPDATE steps SET state = 'running', worker_id = \(request.workerID), lease_expires_at = \(now + lease),
                                 attempts = \(attempt), error = NULL, updated_at = \(now)
                WHERE id = \(stepID)
                """, logger: PostgresDatabase.silent)
            return .claimed(PostgresStepClaim(stepID: stepID, attempt: attempt, checkpoint: request.checkpoint))
        }
    }

    /// The step row of `request`, locked for this transaction, after checking its signature.
    static func lockedStep(_ connection: PostgresConnection, _ request: PostgresStepRequest) async throws -> PostgresRandomAccessRow {
        let rows = try await connection.query("""
            SELECT id, state, signature_hash, result_json, worker_id, lease_expires_at, attempts, error
            FROM steps WHERE run_id = \(request.runID) AND checkpoint = \(request.checkpoint) FOR UPDATE
            """, logger: PostgresDatabase.silent).collect().named
        guard let row = rows.first else {
            throw StoreError.stepFailed(
                checkpoint: request.checkpoint, message: "the step could neither be inserted nor found (was run \(request.runID) deleted?)")
        }
        let stored: String = try row.value("signature_hash")
        guard stored == request.signatureHash else {
            throw StoreError.signatureMismatch(runID: request.runID, checkpoint: request.checkpoint, stored: stored, given: request.signatureHash)
        }
        return row
    }

    /// Records the result and its ledger row in one transaction, unless the step already
    /// completed, in which case the first completion stands and its bytes are returned.
    func complete(_ claim: PostgresStepClaim, runID: String, workerID: String, result: Data, charge: LedgerCharge?) async throws -> Data? {
        try await database.transaction { connection in
            let now = PostgresCoding.now()
            let updated = try await connection.query("""
                UPDATE steps SET state = 'completed', result_json = \(result), error = NULL, worker_id = \(workerID),
                                 lease_expires_at = NULL, updated_at = \(now)
                WHERE id = \(claim.stepID) AND state != 'completed' RETURNING id
                """, logger: PostgresDatabase.silent).collect()
            guard !updated.isEmpty else {
                let stored = try await connection.query("SELECT result_json FROM steps WHERE id = \(claim.stepID)", logger: PostgresDatabase.silent)
                    .collect().named.first
                guard let stored else {
                    throw StoreError.stepFailed(checkpoint: claim.checkpoint, message: "its row is gone, so its result cannot be stored (was run \(runID) deleted?)")
                }
                return try stored.value("result_json", as: Data?.self) ?? Data()
            }
            if let charge {
                try await connection.query("""
                    INSERT INTO ledger (run_id, checkpoint, step_id, model, input_tokens, output_tokens, cost, created_at)
                    VALUES (\(runID), \(claim.checkpoint), \(claim.stepID), \(charge.model), \(charge.inputTokens),
                            \(charge.outputTokens), \(charge.cost), \(now))
                    """, logger: PostgresDatabase.silent)
            }
            return nil
        }
    }

    /// Marks our attempt failed (or cancelled) with a redacted message; a later claim retries it.
    func fail(_ claim: PostgresStepClaim, message: String, cancelled: Bool) async throws {
        let text = database.redactor.redact(message)
        let state = cancelled ? "cancelled" : "failed"
        _ = try await database.rows("""
            UPDATE steps SET state = \(state), error = \(text), lease_expires_at = NULL, updated_at = \(PostgresCoding.now())
            WHERE id = \(claim.stepID) AND attempts = \(claim.attempt) AND state = 'running'
            """)
    }

    /// Extends our leases while long bodies run; a no-op for claims that are gone.
    func renew(_ claims: [PostgresStepClaim]) async throws {
        guard !claims.isEmpty else { return }
        let now = PostgresCoding.now()
        let expires = now + leaseDuration
        try await database.transaction { connection in
            for claim in claims {
                try await connection.query("""
                    UPDATE steps SET lease_expires_at = \(expires), updated_at = \(now)
                    WHERE id = \(claim.stepID) AND attempts = \(claim.attempt) AND state = 'running'
                    """, logger: PostgresDatabase.silent)
            }
        }
    }

    /// Checkpoints of the run's completed steps, read once when a journal starts.
    func completedCheckpoints(runID: String) async throws -> Set<String> {
        Set(try await database.rows("SELECT checkpoint FROM steps WHERE run_id = \(runID) AND state = 'completed'")
            .named.map { try $0.value("checkpoint", as: String.self) })
    }
}

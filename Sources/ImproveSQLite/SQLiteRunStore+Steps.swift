import Foundation
import GRDB
import ImproveCore

/// The step-table primitives behind the journal, each one short transaction on the calling
/// thread. Journal transactions take tens of microseconds; hopping to GRDB's writer queue and
/// back cost more than the work (a fresh run journaled about 1,000 steps/s that way). A writer
/// of another process can make one wait up to the busy timeout, which only happens under real
/// contention; WAL readers never wait for writers.
extension SQLiteRunStore {
    private static let stepColumns = "id, state, signature_hash, result_json, worker_id, lease_expires_at, attempts"

    private static func stored(_ row: Row) -> StoredStep {
        let state: String = row["state"]
        return StoredStep(
            id: row["id"], state: StepState(rawValue: state) ?? .failed, signatureHash: row["signature_hash"],
            result: row["result_json"], workerID: row["worker_id"], leaseExpiresAt: row["lease_expires_at"], attempts: row["attempts"])
    }

    public func fetchStep(runID: String, checkpoint: String) async throws -> StoredStep? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.stepColumns) FROM steps WHERE run_id = ? AND checkpoint = ?"),
                arguments: [runID, checkpoint]
            ).map(Self.stored)
        }
    }

    public func insertStep(_ request: StepRequest, leaseUntil: Double, at now: Double) async throws -> StepInsertion {
        try writeNow { db in
            try db.cachedStatement(sql: """
                    INSERT INTO steps (run_id, checkpoint, kind, signature_hash, signature_json, state, worker_id,
                                       lease_expires_at, attempts, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'running', ?, ?, 1, ?, ?)
                    ON CONFLICT (run_id, checkpoint) DO NOTHING
                    """).execute(
                arguments: [request.runID, request.checkpoint, request.kind.rawValue, request.signatureHash,
                            request.signatureJSON, request.workerID, leaseUntil, now, now])
            if db.changesCount == 1 { return .inserted(db.lastInsertedRowID) }
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.stepColumns) FROM steps WHERE run_id = ? AND checkpoint = ?"),
                arguments: [request.runID, request.checkpoint])
            else {
                throw StoreError.stepFailed(checkpoint: request.checkpoint, message: "the step could neither be inserted nor found (was run \(request.runID) deleted?)")
            }
            return .existing(Self.stored(row))
        }
    }

    public func retakeStep(id: Int64, seenAttempts: Int, workerID: String, leaseUntil: Double, at now: Double) async throws -> Bool {
        try writeNow { db in
            try db.cachedStatement(sql: "UPDATE steps SET state = 'running', worker_id = ?, lease_expires_at = ?, attempts = attempts + 1, error = NULL, updated_at = ? WHERE id = ? AND attempts = ? AND state != 'completed'").execute(
                arguments: [workerID, leaseUntil, now, id, seenAttempts])
            return db.changesCount == 1
        }
    }

    public func completeStep(_ claim: StepClaim, runID: String, workerID: String, result: Data, charge: LedgerCharge?, at now: Double) async throws -> CompletionOutcome {
        try writeNow { db in
            try db.cachedStatement(sql: "UPDATE steps SET state = 'completed', result_json = ?, error = NULL, worker_id = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state != 'completed'").execute(
                arguments: [result, workerID, now, claim.stepID])
            guard db.changesCount == 1 else {
                let stored = try Data.fetchOne(db.cachedStatement(sql: "SELECT result_json FROM steps WHERE id = ?"), arguments: [claim.stepID])
                guard let stored else {
                    throw StoreError.stepFailed(checkpoint: claim.checkpoint, message: "its row is gone, so its result cannot be stored (was run \(runID) deleted?)")
                }
                return .replay(stored)
            }
            if let charge {
                try db.cachedStatement(sql: """
                        INSERT INTO ledger (run_id, checkpoint, step_id, model, input_tokens, output_tokens, cost, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(
                    arguments: [runID, claim.checkpoint, claim.stepID, charge.model, charge.inputTokens, charge.outputTokens,
                                charge.cost, now])
            }
            return .accepted
        }
    }

    public func endStep(_ claim: StepClaim, state: StepState, message: String, at now: Double) async throws {
        try writeNow { db in
            try db.cachedStatement(sql: "UPDATE steps SET state = ?, error = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'").execute(
                arguments: [state.rawValue, message, now, claim.stepID, claim.attempt])
        }
    }

    public func renewStep(_ claim: StepClaim, leaseUntil: Double, at now: Double) async throws {
        try writeNow { db in
            try db.cachedStatement(sql: "UPDATE steps SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'").execute(
                arguments: [leaseUntil, now, claim.stepID, claim.attempt])
        }
    }

    public func completedCheckpoints(runID: String) async throws -> Set<String> {
        try readNow { db in
            Set(try String.fetchAll(db, sql: "SELECT checkpoint FROM steps WHERE run_id = ? AND state = 'completed'", arguments: [runID]))
        }
    }

    public func fetchSteps(runID: String) async throws -> [StepRecord] {
        try readSteps(runID: runID)
    }

    /// Every step of a run, oldest first, read synchronously: for code that watches a run from a
    /// synchronous callback (a stub server's responder checking that no completed step is paid
    /// again). Async code gets the ``RunStore`` method.
    public func steps(runID: String) throws -> [StepRecord] {
        try readSteps(runID: runID)
    }

    private func readSteps(runID: String) throws -> [StepRecord] {
        try readNow { db in
            try Row.fetchAll(
                db, sql: "SELECT checkpoint, kind, state, attempts, error, worker_id FROM steps WHERE run_id = ? ORDER BY id",
                arguments: [runID]
            ).map { row in
                StepRecord(
                    checkpoint: row["checkpoint"], kind: row["kind"], state: row["state"], attempts: row["attempts"],
                    error: row["error"], workerID: row["worker_id"])
            }
        }
    }
}

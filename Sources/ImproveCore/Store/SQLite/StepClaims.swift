import Foundation
import GRDB

/// A worker's hold on a step: the step row and the attempt number it claimed.
/// The attempt number doubles as a fencing token, so a worker whose claim was taken over
/// cannot renew or fail someone else's attempt.
struct StepClaim: Sendable {
    let stepID: Int64
    let attempt: Int
    let checkpoint: String
}

/// What a claim request found.
enum ClaimOutcome: Sendable {
    /// The step completed before: its stored result bytes.
    case replay(Data)
    /// This worker now runs the body.
    case claimed(StepClaim)
    /// Another worker holds a live lease.
    case wait
}

/// What a completion found.
enum CompletionOutcome: Sendable {
    case accepted
    /// Another worker completed the step first: its result bytes.
    case replay(Data)
}

/// The step table operations behind ``SQLiteStepJournal``, each one short transaction.
extension SQLiteRunStore {
    struct StepRequest: Sendable {
        let runID: String
        let checkpoint: String
        let kind: StepKind
        let signatureHash: String
        let signatureJSON: String
        let workerID: String
    }

    /// The stored result of a completed step, read without taking the write lock: the fast
    /// path of every replay. Also checks the signature.
    func completedResult(_ request: StepRequest) async throws -> Data? {
        try readNow { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT state, signature_hash, result_json FROM steps WHERE run_id = ? AND checkpoint = ?"),
                arguments: [request.runID, request.checkpoint])
            else { return nil }
            try Self.checkSignature(row, request)
            return row["state"] == "completed" ? row["result_json"] as Data? : nil
        }
    }

    /// Claims the step, or reports that it completed or is held by a live lease.
    ///
    /// A fresh step (the common case) is one conflict-free insert; only a checkpoint that exists
    /// already is read and judged.
    func claim(_ request: StepRequest) async throws -> ClaimOutcome {
        let lease = leaseDuration
        return try writeNow { db in
            let now = StoreCoding.now()
            try db.cachedStatement(sql: """
                    INSERT INTO steps (run_id, checkpoint, kind, signature_hash, signature_json, state, worker_id,
                                       lease_expires_at, attempts, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'running', ?, ?, 1, ?, ?)
                    ON CONFLICT (run_id, checkpoint) DO NOTHING
                    """).execute(
                arguments: [request.runID, request.checkpoint, request.kind.rawValue, request.signatureHash,
                            request.signatureJSON, request.workerID, now + lease, now, now])
            if db.changesCount == 1 {
                return .claimed(StepClaim(stepID: db.lastInsertedRowID, attempt: 1, checkpoint: request.checkpoint))
            }
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, state, signature_hash, result_json, worker_id, lease_expires_at, attempts FROM steps WHERE run_id = ? AND checkpoint = ?"),
                arguments: [request.runID, request.checkpoint])
            else {
                throw StoreError.stepFailed(checkpoint: request.checkpoint, message: "the step could neither be inserted nor found (was run \(request.runID) deleted?)")
            }
            try Self.checkSignature(row, request)
            let state: String = row["state"]
            if state == "completed" {
                return .replay(row["result_json"] ?? Data())
            }
            if state == "running" {
                let holder: String? = row["worker_id"]
                let expires: Double = row["lease_expires_at"] ?? 0
                // The only place the clock decides anything: whether a lease has lapsed.
                if holder != request.workerID, expires > now { return .wait }
            }
            // Failed, cancelled, pending, an expired lease, or our own claim from before a restart.
            let attempt: Int = row["attempts"] + 1
            let stepID: Int64 = row["id"]
            try db.cachedStatement(sql: "UPDATE steps SET state = 'running', worker_id = ?, lease_expires_at = ?, attempts = ?, error = NULL, updated_at = ? WHERE id = ?").execute(
                arguments: [request.workerID, now + lease, attempt, now, stepID])
            return .claimed(StepClaim(stepID: stepID, attempt: attempt, checkpoint: request.checkpoint))
        }
    }

    private static func checkSignature(_ row: Row, _ request: StepRequest) throws {
        let stored: String = row["signature_hash"]
        guard stored == request.signatureHash else {
            throw StoreError.signatureMismatch(
                runID: request.runID, checkpoint: request.checkpoint, stored: stored, given: request.signatureHash)
        }
    }

    /// Records the result and its ledger row in one transaction, unless the step already
    /// completed, in which case the first completion stands and is returned.
    ///
    /// The first completion wins even if its worker's lease had lapsed: its answer is as good as
    /// any, and accepting it spares the worker that took over from being the only one to pay.
    func complete(_ claim: StepClaim, runID: String, workerID: String, result: Data, charge: LedgerCharge?) async throws -> CompletionOutcome {
        try writeNow { db in
            let now = StoreCoding.now()
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

    /// Marks our attempt failed (or cancelled) with a redacted message; a later claim retries it.
    func fail(_ claim: StepClaim, message: String, cancelled: Bool) async throws {
        let text = redactor.redact(message)
        try writeNow { db in
            try db.cachedStatement(sql: "UPDATE steps SET state = ?, error = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'").execute(
                arguments: [cancelled ? "cancelled" : "failed", text, StoreCoding.now(), claim.stepID, claim.attempt])
        }
    }

    /// Extends our lease while a long body runs; a no-op once the claim is gone.
    func renew(_ claim: StepClaim) throws {
        let lease = leaseDuration
        try writeNow { db in
            let now = StoreCoding.now()
            try db.cachedStatement(sql: "UPDATE steps SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'").execute(
                arguments: [now + lease, now, claim.stepID, claim.attempt])
        }
    }

    /// A short write transaction on the calling thread. Journal transactions take tens of
    /// microseconds; hopping to GRDB's writer queue and back cost more than the work (a fresh
    /// run journaled about 1,000 steps/s that way). A writer of another process can make this
    /// wait up to the busy timeout, which only happens under real contention.
    private func writeNow<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.write(updates)
    }

    /// A read on the calling thread, for the same reason; WAL readers never wait for writers.
    private func readNow<T>(_ value: (Database) throws -> T) throws -> T {
        try pool.read(value)
    }
}

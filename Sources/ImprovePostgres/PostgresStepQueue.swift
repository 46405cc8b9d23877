import Foundation
import ImproveCore
import PostgresNIO

/// A step a worker claimed from the queue: what to run and the claim to complete it under.
public struct QueuedStep: Sendable {
    /// The claim to complete, fail or release the step under.
    public let claim: StepClaim
    /// The run whose coordinator enqueued it.
    public let runID: String
    /// What sort of step it is (workers run model calls).
    public let kind: StepKind
    /// The canonical signature the coordinator journaled; for a model call it carries the request.
    public let signature: JSONValue
}

/// The shared queue: the journal is the queue. A coordinator inserts pending step rows marked
/// for dispatch, workers claim them with `FOR UPDATE SKIP LOCKED` (so concurrent workers never
/// block on each other's rows) under a lease, and complete them through the same transaction
/// that writes the ledger. A worker killed mid-step leaves a running row whose lease lapses;
/// the next claim takes it over.
extension PostgresRunStore {
    /// Enqueues the step unless it exists, then waits until a worker completes it.
    ///
    /// An existing step is judged like a claim: completed replays, a different signature is a
    /// mismatch, failed or cancelled (or a lapsed lease) goes back to pending so a worker retries it.
    ///
    /// - Throws: ``StoreError/stepFailed(checkpoint:message:)`` with the worker's (redacted)
    ///   error when the step fails.
    func enqueueAndWait(_ request: StepRequest) async throws -> Data {
        let model = Self.requestedModel(request)
        let now = StoreCoding.now()
        // The common case, a new call, is one autocommitted insert; only an existing step needs
        // the locked read-and-judge transaction below.
        let fresh = try await database.rows("""
            INSERT INTO steps (run_id, checkpoint, kind, signature_hash, signature_json, state, dispatch, model,
                               attempts, created_at, updated_at)
            VALUES (\(request.runID), \(request.checkpoint), \(request.kind.rawValue), \(request.signatureHash),
                    \(request.signatureJSON), 'pending', 'worker', \(model), 0, \(now), \(now))
            ON CONFLICT (run_id, checkpoint) DO NOTHING RETURNING id
            """).named
        if let row = fresh.first {
            return try await completions.wait(stepID: try row.value("id"), checkpoint: request.checkpoint)
        }
        let outcome: (id: Int64, result: Data?) = try await database.transaction { connection in
            let row = try await Self.lockedStep(connection, request)
            let id: Int64 = try row.value("id")
            if try row.stepState(in: location) == .completed {
                return (id, try row.value("result_json", as: Data?.self) ?? Data())
            }
            try await connection.query("""
                UPDATE steps SET dispatch = 'worker', model = \(model), updated_at = \(now),
                    state = CASE WHEN state IN ('failed', 'cancelled') OR state = 'pending'
                                      OR (state = 'running' AND (worker_id = \(request.workerID) OR lease_expires_at < \(now)))
                                 THEN 'pending' ELSE state END
                WHERE id = \(id)
                """, logger: PostgresDatabase.silent)
            return (id, nil)
        }
        if let result = outcome.result { return result }
        return try await completions.wait(stepID: outcome.id, checkpoint: request.checkpoint)
    }

    /// The model a model-call signature asks for (`provider/model`), so that a worker can leave
    /// the calls it cannot serve to others.
    static func requestedModel(_ request: StepRequest) -> String? {
        guard request.kind == .modelCall,
            let signature = try? StoreCoding.json(request.signatureJSON),
            let chat = try? ChatRequest(decoding: signature.objectValue?["request"])
        else { return nil }
        return chat.model.qualifiedName
    }

    /// Claims up to `limit` queued steps for `workerID`: pending ones, or running ones whose
    /// lease lapsed (their worker died), oldest first, skipping rows other workers are claiming
    /// right now and steps for the models in `excludingModels`; with `runID`, only that run's steps.
    public func claimQueued(workerID: String, limit: Int, excludingModels: [String] = [], runID: String? = nil) async throws -> [QueuedStep] {
        let now = StoreCoding.now()
        let expires = now + leaseDuration
        let rows = try await database.rows("""
            UPDATE steps s SET state = 'running', worker_id = \(workerID), lease_expires_at = \(expires),
                               attempts = s.attempts + 1, error = NULL, updated_at = \(now)
            WHERE s.id IN (
                SELECT id FROM steps
                WHERE dispatch IS NOT NULL AND (state = 'pending' OR (state = 'running' AND lease_expires_at < \(now)))
                  AND (model IS NULL OR NOT (model = ANY(\(excludingModels))))
                  AND (\(runID)::TEXT IS NULL OR run_id = \(runID))
                ORDER BY id LIMIT \(max(1, limit))
                FOR UPDATE SKIP LOCKED)
            RETURNING s.id, s.run_id, s.checkpoint, s.kind, s.signature_json, s.attempts
            """).named
        return try rows.map { row in
            QueuedStep(
                claim: StepClaim(stepID: try row.value("id"), attempt: try row.value("attempts"), checkpoint: try row.value("checkpoint")),
                runID: try row.value("run_id"), kind: StepKind(rawValue: try row.value("kind")) ?? .modelCall,
                signature: try StoreCoding.json(try row.value("signature_json", as: String.self)))
        }
    }

    /// Completes a queued step with its result and ledger charge (one transaction); a step
    /// completed by another worker meanwhile keeps the first result.
    public func completeQueued(_ step: QueuedStep, workerID: String, result: Data, charge: LedgerCharge?) async throws {
        _ = try await complete(step.claim, runID: step.runID, workerID: workerID, result: result, charge: charge)
    }

    /// Marks a queued step failed with a (redacted) message: the coordinator waiting for it
    /// reports the message, and a resumed coordinator re-queues it.
    public func failQueued(_ step: QueuedStep, message: String) async throws {
        try await fail(step.claim, message: message, cancelled: false)
    }

    /// Puts a claimed step back in the queue untouched, for a worker that cannot serve it.
    public func releaseQueued(_ step: QueuedStep) async throws {
        _ = try await database.rows("""
            UPDATE steps SET state = 'pending', worker_id = NULL, lease_expires_at = NULL, attempts = attempts - 1,
                             updated_at = \(StoreCoding.now())
            WHERE id = \(step.claim.stepID) AND attempts = \(step.claim.attempt) AND state = 'running'
            """)
    }

    /// Renews every held lease in one transaction: each statement is a network round trip, and
    /// a worker may hold dozens of claims.
    public func renewSteps(_ claims: [StepClaim], leaseUntil: Double, at now: Double) async throws {
        try await database.transaction { connection in
            for claim in claims {
                try await connection.query("""
                    UPDATE steps SET lease_expires_at = \(leaseUntil), updated_at = \(now)
                    WHERE id = \(claim.stepID) AND attempts = \(claim.attempt) AND state = 'running'
                    """, logger: PostgresDatabase.silent)
            }
        }
    }

    /// The step row of `request`, locked for this transaction, after checking its signature.
    static func lockedStep(_ connection: PostgresConnection, _ request: StepRequest) async throws -> PostgresRandomAccessRow {
        let rows = try await connection.query("""
            SELECT id, state, signature_hash, result_json FROM steps
            WHERE run_id = \(request.runID) AND checkpoint = \(request.checkpoint) FOR UPDATE
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
}

extension ChatRequest {
    /// Decodes a request from the JSON value a journal signature stores.
    init(decoding value: JSONValue?) throws {
        guard let value else { throw DecodingError.valueNotFound(ChatRequest.self, .init(codingPath: [], debugDescription: "no request in the signature")) }
        self = try JSONDecoder().decode(ChatRequest.self, from: Data(try CanonicalJSON.string(value).utf8))
    }
}

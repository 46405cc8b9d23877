import Foundation

/// The claim / complete / replay semantics of steps, written once for every backend.
extension StoreBackend {
    /// The request type, as ``StoreBackend`` members name it.
    public typealias StepRequest = ImproveCore.StepRequest

    /// The stored result of a completed step, read without taking a write lock: the fast path
    /// of every replay. Also checks the signature.
    package func completedResult(_ request: StepRequest) async throws -> Data? {
        guard let step = try await fetchReplay(runID: request.runID, checkpoint: request.checkpoint) else { return nil }
        try Self.checkSignature(stored: step.signatureHash, request)
        return step.completed ? step.result : nil
    }

    public func fetchReplay(runID: String, checkpoint: String) async throws -> StoredReplay? {
        try await fetchStep(runID: runID, checkpoint: checkpoint).map {
            StoredReplay(completed: $0.state == .completed, signatureHash: $0.signatureHash, result: $0.result)
        }
    }

    /// Claims the step, or reports that it completed or is held by a live lease.
    ///
    /// A fresh step (the common case) is one conflict-free insert; only a checkpoint that exists
    /// already is judged here and then taken over with a compare-and-set on its attempt count,
    /// which fails (and is judged again) if another worker took it meanwhile.
    package func claim(_ request: StepRequest) async throws -> ClaimOutcome {
        while true {
            let now = StoreCoding.now()
            let step: StoredStep
            switch try await insertStep(request, leaseUntil: now + leaseDuration, at: now) {
            case .inserted(let id):
                return .claimed(StepClaim(stepID: id, attempt: 1, checkpoint: request.checkpoint))
            case .existing(let existing):
                step = existing
            }
            try Self.checkSignature(stored: step.signatureHash, request)
            if step.state == .completed {
                return .replay(step.result ?? Data())
            }
            // The only place the clock decides anything: whether a lease has lapsed.
            if step.state == .running, step.workerID != request.workerID, (step.leaseExpiresAt ?? 0) > now {
                return .wait
            }
            // Failed, cancelled, pending, an expired lease, or our own claim from before a restart.
            if try await retakeStep(
                id: step.id, seenAttempts: step.attempts, workerID: request.workerID, leaseUntil: now + leaseDuration, at: now)
            {
                return .claimed(StepClaim(stepID: step.id, attempt: step.attempts + 1, checkpoint: request.checkpoint))
            }
        }
    }

    private static func checkSignature(stored: String, _ request: StepRequest) throws {
        guard stored == request.signatureHash else {
            throw StoreError.signatureMismatch(
                runID: request.runID, checkpoint: request.checkpoint, stored: stored, given: request.signatureHash)
        }
    }

    /// Records the result and its ledger row atomically, unless the step already completed, in
    /// which case the first completion stands and is returned.
    ///
    /// The first completion wins even if its worker's lease had lapsed: its answer is as good as
    /// any, and accepting it spares the worker that took over from being the only one to pay.
    package func complete(_ claim: StepClaim, runID: String, workerID: String, result: Data, charge: LedgerCharge?) async throws -> CompletionOutcome {
        try await completeStep(claim, runID: runID, workerID: workerID, result: result, charge: charge, at: StoreCoding.now())
    }

    /// Marks our attempt failed (or cancelled) with a redacted message; a later claim retries it.
    package func fail(_ claim: StepClaim, message: String, cancelled: Bool) async throws {
        try await endStep(claim, state: cancelled ? .cancelled : .failed, message: redactor.redact(message), at: StoreCoding.now())
    }

    /// Extends our lease while a long body runs; a no-op once the claim is gone.
    package func renew(_ claim: StepClaim) async throws {
        let now = StoreCoding.now()
        try await renewStep(claim, leaseUntil: now + leaseDuration, at: now)
    }

    /// Extends the leases of every claim held, each a no-op once its claim is gone.
    package func renew(_ claims: [StepClaim]) async throws {
        guard !claims.isEmpty else { return }
        let now = StoreCoding.now()
        try await renewSteps(claims, leaseUntil: now + leaseDuration, at: now)
    }

    /// One by one: the default of the batch primitive.
    public func renewSteps(_ claims: [StepClaim], leaseUntil: Double, at now: Double) async throws {
        for claim in claims {
            try await renewStep(claim, leaseUntil: leaseUntil, at: now)
        }
    }
}

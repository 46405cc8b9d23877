import Foundation

/// The storage primitives a database engine implements to become a ``RunStore``.
///
/// Design: the store's *semantics* live once, in ImproveCore, in the extensions of this
/// protocol (`StoreBackend+Runs.swift`, `StoreBackend+Steps.swift`) and in
/// ``DurableStepJournal``: run ids derived from the dedupe key, which runs may be joined or
/// resumed, checkpoint naming (name or SHA-256 of the canonical signature, plus an occurrence
/// counter), signature-mismatch errors, the lease decision (replay, wait or take over), lease
/// renewal, replay decoding, redaction of stored error texts, and the `session` event. A backend
/// only stores and fetches rows, and makes each primitive below *one atomic operation* (one
/// transaction). A conforming type inherits every ``RunStore`` method from the extensions.
///
/// Why a refinement of ``RunStore`` rather than a wrapper around a backend value: the SQLite
/// backend keeps its name, initialiser and concrete methods (`SQLiteRunStore(path:)`,
/// `checkpointWAL()`), and generic code specialised for it calls its primitives directly; the
/// journal's hot path is the same two transactions per fresh step as before the split.
///
/// Values cross this boundary already encoded: JSON columns as canonical JSON text
/// (``StoreCoding/text(_:)``), step results as bytes, timestamps as seconds since 1970 (`at:`
/// arguments) read once by the caller. The only decision taken from a clock is whether a
/// lease has lapsed, and it is taken above the backend, from `at` and the stored expiry.
///
/// A new backend adds one target with one type conforming to this protocol, and runs the
/// contract suite `StoreContract` (ImproveTestSupport) against it; see `StoreBackends.md`.
public protocol StoreBackend: RunStore {
    /// Seconds a claimed step stays reserved for its worker without renewal.
    var leaseDuration: TimeInterval { get }
    /// Applied to every error or failure text before it is stored.
    var redactor: Redactor { get }

    // MARK: Runs

    /// Inserts the run `id` as `running` unless it exists; an existing run in state
    /// `interrupted`, `failed` or `cancelled` becomes `running` again (any other state is left
    /// alone). Either way records a new attempt by `workerID`. Returns true when the run existed.
    func upsertRun(id: String, spec: StoredRunSpec, workerID: String, at now: Double) async throws -> Bool
    /// Returns the run's state before the call, or nil for an unknown id. Unless that state is
    /// `refused`, sets the run `running`, clears its failure text and records a new attempt by
    /// `workerID`; when it is `refused`, writes nothing.
    func reopenRun(id: String, workerID: String, refused: RunState, at now: Double) async throws -> RunState?
    /// Sets the run's final state, result and failure and ends its open attempts; false for an unknown id.
    func updateRunEnd(id: String, state: RunState, resultText: String?, failureText: String?, at now: Double) async throws -> Bool
    /// One run with its ledger sums, or nil.
    func fetchRun(id: String) async throws -> RunRecord?
    /// Runs ordered by last update, newest first (ties: newest insert first); all of them when
    /// `updatedSince` is nil. Each with the count of its steps in state `failed`.
    func fetchRuns(updatedSince: Date?, limit: Int) async throws -> [RunDigestRow]

    // MARK: Steps

    /// The step at `(runID, checkpoint)`, or nil.
    func fetchStep(runID: String, checkpoint: String) async throws -> StoredStep?
    /// What a replay needs of the step at `(runID, checkpoint)`, or nil: every step of a resumed
    /// run is read this way. Defaults to ``fetchStep(runID:checkpoint:)``; a backend may answer
    /// it with a narrower read.
    func fetchReplay(runID: String, checkpoint: String) async throws -> StoredReplay?
    /// Inserts the step as `running`, attempt 1, held by `request.workerID` until `leaseUntil`,
    /// unless `(runID, checkpoint)` exists; then returns the existing row untouched.
    func insertStep(_ request: StepRequest, leaseUntil: Double, at now: Double) async throws -> StepInsertion
    /// Compare-and-set: if the step's attempt count is still `seenAttempts` and it is not
    /// completed, sets it `running` under attempt `seenAttempts + 1` for `workerID` until
    /// `leaseUntil`, clearing its error; returns whether it did.
    func retakeStep(id: Int64, seenAttempts: Int, workerID: String, leaseUntil: Double, at now: Double) async throws -> Bool
    /// In one transaction: unless the step is completed, stores `result`, marks it completed by
    /// `workerID` (clearing error and lease) and, with a `charge`, inserts its one ledger row;
    /// if it was already completed, writes nothing and returns the stored result.
    func completeStep(_ claim: StepClaim, runID: String, workerID: String, result: Data, charge: LedgerCharge?, at now: Double) async throws -> CompletionOutcome
    /// If the step is still `running` under `claim.attempt`, sets `state` (failed or cancelled)
    /// and the (already redacted) `message`, clearing its lease.
    func endStep(_ claim: StepClaim, state: StepState, message: String, at now: Double) async throws
    /// If the step is still `running` under `claim.attempt`, extends its lease to `leaseUntil`.
    func renewStep(_ claim: StepClaim, leaseUntil: Double, at now: Double) async throws
    /// ``renewStep(_:leaseUntil:at:)`` for every claim a process holds. The default renews them
    /// one by one; a backend whose every statement is a network round trip renews them in one
    /// transaction.
    func renewSteps(_ claims: [StepClaim], leaseUntil: Double, at now: Double) async throws
    /// Checkpoints of the run's completed steps.
    func completedCheckpoints(runID: String) async throws -> Set<String>
    /// Every step of the run in insertion order.
    func fetchSteps(runID: String) async throws -> [StepRecord]

    // MARK: Candidates, evaluations, events

    /// Inserts the candidate unless `(runID, candidate.id)` exists.
    func insertCandidate(runID: String, _ candidate: StoredCandidate, at now: Double) async throws
    /// Inserts each record unless `(runID, candidateID, itemID, split)` exists, in one transaction.
    func insertEvaluations(runID: String, _ records: [EvaluationRecord], at now: Double) async throws
    /// Appends an event unless `key` is non-nil and the run has an event with that key; when one
    /// is added, also sets the run's `updatedAt` to `now`.
    func insertEvent(runID: String, key: String?, kind: RunEventKind, payloadText: String, at now: Double) async throws
    /// Payloads of the run's events of `kind`, oldest first.
    func fetchEventPayloads(runID: String, kind: RunEventKind) async throws -> [JSONValue]

    // MARK: Queries

    /// The summary of a run (nil for an unknown id); `reattemptedPaidSteps` counts steps of
    /// `paidKinds` claimed more than once.
    func fetchSummary(runID: String, lastEvents: Int, paidKinds: [StepKind]) async throws -> RunSummary?
    /// The run's candidates in recording order with their mean scores (nil for an unknown run).
    func fetchCandidates(runID: String) async throws -> [CandidateSummary]?
    /// Ledger rows created at or after `start` (seconds since 1970), summed across runs.
    func fetchLedgerTotals(since start: Double) async throws -> LedgerTotals
    /// Ledger rows of one run.
    func countLedgerRows(runID: String) async throws -> Int
}

/// Lifecycle states of a journaled step, as stored.
public enum StepState: String, Codable, Sendable, CaseIterable {
    case pending, running, completed, failed, cancelled
}

/// A run's spec with its JSON fields as canonical text, as a backend stores it.
public struct StoredRunSpec: Sendable {
    /// The spec itself (scalar fields are stored as they are; the seed as decimal text where
    /// the engine's integers are signed).
    public var spec: RunSpec
    /// ``RunSpec/config`` as canonical JSON.
    public var configText: String
    /// ``RunSpec/policy`` as canonical JSON.
    public var policyText: String

    /// Encodes the JSON fields of `spec`.
    public init(_ spec: RunSpec) throws {
        self.spec = spec
        configText = try StoreCoding.text(spec.config)
        policyText = try StoreCoding.text(spec.policy)
    }
}

/// A candidate with its JSON fields as canonical text, as a backend stores it.
public struct StoredCandidate: Sendable {
    /// The candidate's id (the hash of its components).
    public var id: String
    /// Components as a canonical JSON object of strings.
    public var componentsText: String
    /// Parent ids as a canonical JSON array.
    public var parentsText: String
    /// The generator that proposed it.
    public var generator: String
    /// Why it was proposed.
    public var rationale: String

    /// Encodes `candidate`.
    public init(_ candidate: Candidate) throws {
        id = candidate.id
        componentsText = try StoreCoding.text(.object(candidate.components.mapValues { .string($0) }))
        parentsText = try StoreCoding.text(.array(candidate.parents.map { .string($0) }))
        generator = candidate.generator
        rationale = candidate.rationale
    }

    /// Decodes stored text back into a candidate.
    public static func candidate(componentsText: String, parentsText: String, generator: String, rationale: String) throws -> Candidate {
        let components = try StoreCoding.json(componentsText).objectValue?.compactMapValues(\.stringValue) ?? [:]
        let parents = try StoreCoding.json(parentsText).arrayValue?.compactMap(\.stringValue) ?? []
        return Candidate(components: components, parents: parents, generator: generator, rationale: rationale)
    }
}

/// What a journal asks of a checkpoint.
public struct StepRequest: Sendable {
    /// The run.
    public let runID: String
    /// `(name ?? signature hash) + "#" + occurrence`.
    public let checkpoint: String
    /// What sort of step it is.
    public let kind: StepKind
    /// SHA-256 of ``signatureJSON``.
    public let signatureHash: String
    /// The canonical JSON of the step's signature.
    public let signatureJSON: String
    /// Who asks.
    public let workerID: String

    /// A request as the journal makes it.
    public init(runID: String, checkpoint: String, kind: StepKind, signatureHash: String, signatureJSON: String, workerID: String) {
        self.runID = runID
        self.checkpoint = checkpoint
        self.kind = kind
        self.signatureHash = signatureHash
        self.signatureJSON = signatureJSON
        self.workerID = workerID
    }
}

/// A step row as the claim decision needs it.
public struct StoredStep: Sendable {
    /// The row's id (unique across the store).
    public var id: Int64
    /// Its state.
    public var state: StepState
    /// The signature hash it was first recorded with.
    public var signatureHash: String
    /// The result bytes of a completed step.
    public var result: Data?
    /// The worker of the last claim.
    public var workerID: String?
    /// When the current claim lapses (seconds since 1970).
    public var leaseExpiresAt: Double?
    /// How many times the step was claimed.
    public var attempts: Int

    /// A row as fetched.
    public init(id: Int64, state: StepState, signatureHash: String, result: Data?, workerID: String?, leaseExpiresAt: Double?, attempts: Int) {
        self.id = id
        self.state = state
        self.signatureHash = signatureHash
        self.result = result
        self.workerID = workerID
        self.leaseExpiresAt = leaseExpiresAt
        self.attempts = attempts
    }
}

/// The part of a step row a replay reads.
public struct StoredReplay: Sendable {
    /// Whether the step completed.
    public var completed: Bool
    /// The signature hash it was first recorded with.
    public var signatureHash: String
    /// The result bytes of a completed step.
    public var result: Data?

    /// A row as fetched.
    public init(completed: Bool, signatureHash: String, result: Data?) {
        self.completed = completed
        self.signatureHash = signatureHash
        self.result = result
    }
}

/// What ``StoreBackend/insertStep(_:leaseUntil:at:)`` found.
public enum StepInsertion: Sendable {
    /// The step is new and claimed under attempt 1: its row id.
    case inserted(Int64)
    /// The checkpoint existed: its row, untouched.
    case existing(StoredStep)
}

/// A worker's hold on a step: the step row and the attempt number it claimed.
/// The attempt number doubles as a fencing token, so a worker whose claim was taken over
/// cannot renew or fail someone else's attempt.
public struct StepClaim: Sendable {
    /// The step row.
    public let stepID: Int64
    /// The attempt this claim is.
    public let attempt: Int
    /// The step's checkpoint, for messages and the ledger row.
    public let checkpoint: String

    /// A claim.
    public init(stepID: Int64, attempt: Int, checkpoint: String) {
        self.stepID = stepID
        self.attempt = attempt
        self.checkpoint = checkpoint
    }
}

/// What a claim request found.
public enum ClaimOutcome: Sendable {
    /// The step completed before: its stored result bytes.
    case replay(Data)
    /// This worker now runs the body.
    case claimed(StepClaim)
    /// Another worker holds a live lease.
    case wait
}

/// What a completion found.
public enum CompletionOutcome: Sendable {
    /// Our result is stored (with its ledger row).
    case accepted
    /// Another worker completed the step first: its result bytes.
    case replay(Data)
}

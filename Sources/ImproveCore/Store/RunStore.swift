import Foundation

/// Lifecycle states of a run.
public enum RunState: String, Codable, Sendable {
    case running, completed, failed, cancelled, interrupted
}

/// What identifies and configures a run when it is opened.
public struct RunSpec: Codable, Sendable, Equatable {
    /// Same key, same run: a second open joins the first instead of starting another.
    public var dedupeKey: String
    public var seed: UInt64
    public var profileName: String
    public var profileHash: String
    public var surface: String
    public var generator: String
    public var config: JSONValue
    public var policy: JSONValue

    public init(dedupeKey: String, seed: UInt64, profileName: String, profileHash: String, surface: String, generator: String, config: JSONValue, policy: JSONValue) {
        self.dedupeKey = dedupeKey
        self.seed = seed
        self.profileName = profileName
        self.profileHash = profileHash
        self.surface = surface
        self.generator = generator
        self.config = config
        self.policy = policy
    }
}

/// A run as stored.
public struct RunRecord: Codable, Sendable, Equatable {
    public var id: String
    public var spec: RunSpec
    public var state: RunState
    public var result: JSONValue?
    public var failure: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// Sum of the ledger for this run.
    public var spent: Usage
    public var paidSteps: Int

    public init(id: String, spec: RunSpec, state: RunState, result: JSONValue?, failure: String?, createdAt: Date, updatedAt: Date, spent: Usage, paidSteps: Int) {
        self.id = id
        self.spec = spec
        self.state = state
        self.result = result
        self.failure = failure
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.spent = spent
        self.paidSteps = paidSteps
    }
}

/// One scored (candidate, item) pair as stored.
public struct EvaluationRecord: Codable, Sendable, Equatable {
    public enum Split: String, Codable, Sendable { case search, holdout }
    public var candidateID: String
    public var itemID: String
    public var split: Split
    public var score: Double
    public var passed: Bool?
    public var feedback: String

    public init(candidateID: String, itemID: String, split: Split, score: Double, passed: Bool?, feedback: String) {
        self.candidateID = candidateID
        self.itemID = itemID
        self.split = split
        self.score = score
        self.passed = passed
        self.feedback = feedback
    }
}

/// Counts for `improve-cli show`.
public struct RunSummary: Codable, Sendable, Equatable {
    /// How many steps of one kind are in one state.
    public struct StepCount: Codable, Sendable, Equatable {
        /// The steps' kind.
        public var kind: StepKind
        /// Their state.
        public var state: StepState
        /// How many.
        public var count: Int
        /// A count as fetched.
        public init(kind: StepKind, state: StepState, count: Int) {
            self.kind = kind
            self.state = state
            self.count = count
        }
    }
    /// One progress event as stored.
    public struct Event: Codable, Sendable, Equatable {
        /// Its place in the run's events (increasing, not necessarily contiguous).
        public var sequence: Int
        /// What happened.
        public var kind: RunEventKind
        /// The event's facts, as recorded.
        public var payload: JSONValue
        /// When it was recorded.
        public var at: Date
        /// An event as fetched.
        public init(sequence: Int, kind: RunEventKind, payload: JSONValue, at: Date) {
            self.sequence = sequence
            self.kind = kind
            self.payload = payload
            self.at = at
        }
    }
    public var run: RunRecord
    public var steps: [StepCount]
    public var ledgerByModel: [String: Usage]
    public var candidates: Int
    public var evaluations: Int
    public var lastEvents: [Event]
    /// Paid steps (model and scorer calls) claimed more than once: after a crash, a lapsed
    /// lease or a failure. The ledger holds one row per completed step, so an earlier attempt
    /// cut short in flight may have been charged by the provider without a row of its own.
    public var reattemptedPaidSteps: Int

    public init(
        run: RunRecord, steps: [StepCount], ledgerByModel: [String: Usage], candidates: Int, evaluations: Int, lastEvents: [Event],
        reattemptedPaidSteps: Int = 0
    ) {
        self.run = run
        self.steps = steps
        self.ledgerByModel = ledgerByModel
        self.candidates = candidates
        self.evaluations = evaluations
        self.lastEvents = lastEvents
        self.reattemptedPaidSteps = reattemptedPaidSteps
    }
}

/// The durable store behind runs, as every caller sees it: the improve loop, evolve, the CLI.
///
/// The semantics (run ids derived from the dedupe key, which runs may be joined or resumed,
/// checkpoint naming, signature checks, leases, exactly-once completion with one ledger row per
/// completed paid step, events stored once per key) are written once, in ImproveCore, on top of
/// ``StoreBackend``: a storage engine conforms to ``StoreBackend`` by implementing its storage
/// primitives and inherits every method below from that protocol's extensions. SQLite
/// (`ImproveSQLite.SQLiteRunStore`) is the embedded default.
///
/// Every method is `async` so that a networked backend (PostgreSQL) can suspend instead of
/// blocking a thread; the SQLite backend does its short transactions on the calling thread.
public protocol RunStore: Sendable {
    /// A description of where the store lives, for messages (a file path for SQLite).
    var location: String { get }

    /// Opens the run for `spec.dedupeKey`, creating it if new; the Bool is true when an
    /// existing run was joined. Starts a new attempt for `workerID`.
    func openRun(_ spec: RunSpec, workerID: String) async throws -> (run: RunRecord, joined: Bool)
    /// Reopens a run by id for resumption (a new attempt); unknown ids are ``StoreError/unknownRun(id:store:)``.
    func resumeRun(id: String, workerID: String) async throws -> RunRecord
    /// The run with this id, or nil.
    func run(id: String) async throws -> RunRecord?
    /// All runs, newest first.
    func listRuns(limit: Int) async throws -> [RunRecord]
    /// The step journal of a run for one worker.
    func journal(runID: String, workerID: String) async throws -> any StepJournal
    /// Records a candidate once (idempotent by candidate id).
    func recordCandidate(runID: String, _ candidate: Candidate) async throws
    /// Records scored pairs (idempotent by run, candidate, item, split).
    func recordEvaluations(runID: String, _ records: [EvaluationRecord]) async throws
    /// Appends a progress event.
    func appendEvent(runID: String, kind: RunEventKind, payload: JSONValue) async throws
    /// Records an event once per (run, `key`): a second call with the same key, such as a
    /// resumed run replaying its steps, adds nothing.
    func recordEvent(runID: String, key: String, kind: RunEventKind, payload: JSONValue) async throws
    /// Marks the run finished (or interrupted) with its result or failure.
    func finishRun(id: String, state: RunState, result: JSONValue?, failure: String?) async throws
    /// Counts, ledger and the last `lastEvents` events of a run, for `improve-cli show`.
    func summary(runID: String, lastEvents: Int) async throws -> RunSummary
    /// The run's candidates in the order they were recorded, with their mean search and holdout
    /// scores; unknown ids are ``StoreError/unknownRun(id:store:)``.
    func candidates(runID: String) async throws -> [CandidateSummary]
    /// Every step of a run, oldest first: for inspection and for tests that watch a run from outside.
    func steps(runID: String) async throws -> [StepRecord]
    /// The ledger summed over every run since `start`: the figure a spend ceiling across runs
    /// is checked against before each paid call.
    func ledgerTotals(since start: Date) async throws -> LedgerTotals
    /// Runs updated at or after `start`, newest first, each with its count of failed steps.
    func runs(updatedSince start: Date, limit: Int) async throws -> [RunDigestRow]
    /// Records how one process's attempt at a run ended, as a `session` event.
    func recordSession(runID: String, _ payload: JSONValue) async throws
    /// The payloads of the run's `session` events, oldest first.
    func sessions(runID: String) async throws -> [JSONValue]
    /// Completed paid steps of a run (its ledger rows).
    func paidSteps(runID: String) async throws -> Int
}

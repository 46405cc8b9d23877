import Foundation
import ImproveCore
import Synchronization

/// The contract every ``StoreBackend`` keeps, as checks any test target can run against its backend.
///
/// The semantics live in ImproveCore above the backend, so these checks exercise the backend's
/// primitives through the public ``RunStore`` and ``StepJournal`` API, with several store
/// handles on one database standing in for several processes (or machines).
///
/// Adding a backend: give the contract a way to make a fresh, empty database and to open
/// handles on it, then add one parametrised test to the backend's test target:
///
/// ```swift
/// @Test(arguments: StoreContract.checks)
/// func contract(_ check: StoreContract.Check) async throws {
///     try await check.run(on: { try await MyBackend.freshContractDatabase() })
/// }
/// ```
///
/// where `freshContractDatabase()` returns a ``StoreContract/Opener``: a closure opening a new
/// handle (its own connection or pool) with the given lease duration on that one database.
/// The SQLite backend's line is in `Tests/ImproveSQLiteTests/StoreContractTests.swift`,
/// PostgreSQL's in `Tests/ImprovePostgresTests/PostgresContractTests.swift`.
public enum StoreContract {
    /// Opens a new handle on one database with the given lease duration (seconds).
    public typealias Opener = @Sendable (_ leaseDuration: TimeInterval) async throws -> any StoreBackend
    /// Makes a fresh, empty database and returns how to open handles on it; whatever keeps
    /// the database alive (a temporary directory, a schema) should be captured by the opener.
    public typealias Fresh = @Sendable () async throws -> Opener

    /// One named check.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the check shows, as the test report names it.
        public let description: String
        let body: @Sendable (Opener) async throws -> Void

        /// Runs the check on a fresh database of the backend.
        public func run(on fresh: Fresh) async throws {
            try await body(try await fresh())
        }
    }

    /// A broken promise of the contract.
    public struct Violation: Error, CustomStringConvertible {
        /// What was expected and what happened.
        public let description: String
    }

    /// Every check of the contract.
    public static let checks: [Check] = [
        Check(description: "a completed checkpoint replays without running its body", body: replaysWithoutBody),
        Check(description: "a changed signature at a named checkpoint is a mismatch error", body: signatureMismatch),
        Check(description: "repeated identical calls get their own occurrences", body: occurrenceCounters),
        Check(description: "concurrent claimers on two handles run a step once", body: exactlyOnceUnderConcurrentClaimers),
        Check(description: "a lapsed lease lets another worker take the step over", body: leaseExpiryAllowsReclaim),
        Check(description: "a failed step records its error and is retried by the next claim", body: failedStepIsRecordedAndRetried),
        Check(description: "the ledger has one row per completed paid step", body: ledgerOneRowPerPaidStep),
        Check(description: "a keyed event is stored once per run", body: keyedEventsOnce),
        Check(description: "candidates and evaluations are recorded once", body: candidatesAndEvaluationsOnce),
        Check(description: "the same dedupe key joins the existing run", body: openRunDedupesAndJoins),
        Check(description: "unknown and completed runs cannot be resumed", body: resumeRules),
    ]

    // MARK: - Checks

    static func replaysWithoutBody(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        let bodies = Tally()
        let first = try await store.journal(runID: runID, workerID: "w")
        let value = try await first.step(.modelCall, signature: ["prompt": "hi"], as: String.self) {
            bodies.add()
            return StepOutput("answer", charge: charge())
        }
        let other = try await open(60)
        let replay = try await other.journal(runID: runID, workerID: "w2")
        let again = try await replay.step(.modelCall, signature: ["prompt": "hi"], as: String.self) {
            bodies.add()
            return StepOutput("a different answer", charge: charge())
        }
        try expect(value == "answer" && again == "answer", "the replay returned \(again), not the stored \(value)")
        try expect(bodies.count == 1, "the body ran \(bodies.count) times")
        try expect(try await other.paidSteps(runID: runID) == 1, "the replay was charged")
    }

    static func signatureMismatch(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        _ = try await store.journal(runID: runID, workerID: "w").step(.proposal, name: "proposal/1", signature: ["v": 1], as: Int.self) {
            StepOutput(1)
        }
        let resumed = try await open(60).journal(runID: runID, workerID: "w")
        do {
            _ = try await resumed.step(.proposal, name: "proposal/1", signature: ["v": 2], as: Int.self) { StepOutput(2) }
            throw Violation(description: "a changed signature replayed instead of failing")
        } catch let error as StoreError {
            guard case .signatureMismatch(let run, let checkpoint, _, _) = error, run == runID, checkpoint == "proposal/1#1" else {
                throw Violation(description: "expected a signature mismatch at proposal/1#1, got \(error)")
            }
        }
    }

    static func occurrenceCounters(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        let journal = try await store.journal(runID: runID, workerID: "w")
        var values: [Int] = []
        for index in 1...3 {
            values.append(try await journal.step(.modelCall, signature: ["prompt": "same"], as: Int.self) { StepOutput(index, charge: charge()) })
        }
        try expect(values == [1, 2, 3], "three identical calls answered \(values)")
        let checkpoints = try await store.steps(runID: runID).map(\.checkpoint)
        try expect(checkpoints.map { $0.suffix(2) } == ["#1", "#2", "#3"], "checkpoints were \(checkpoints)")
        let resumed = try await open(60).journal(runID: runID, workerID: "w")
        var replayed: [Int] = []
        for _ in 1...3 {
            replayed.append(try await resumed.step(.modelCall, signature: ["prompt": "same"], as: Int.self) { StepOutput(0, charge: charge()) })
        }
        try expect(replayed == [1, 2, 3], "a resumed journal replayed \(replayed)")
        try expect(try await store.paidSteps(runID: runID) == 3, "the ledger does not have three rows")
    }

    static func exactlyOnceUnderConcurrentClaimers(_ open: Opener) async throws {
        let setup = try await open(60)
        let runID = try await setup.openRun(spec(), workerID: "setup").run.id
        let bodies = Tally()
        var journals: [any StepJournal] = []
        for index in 0..<4 {
            journals.append(try await open(60).journal(runID: runID, workerID: "worker-\(index)"))
        }
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for (index, journal) in journals.enumerated() {
                group.addTask {
                    try await journal.step(.modelCall, signature: ["prompt": "contended"], as: String.self) {
                        bodies.add()
                        // Stands in for a model call, so the other claimers meet a live claim.
                        try await Task.sleep(nanoseconds: 50_000_000)
                        return StepOutput("from worker-\(index)", charge: charge())
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        try expect(bodies.count == 1, "the body ran \(bodies.count) times")
        try expect(Set(values).count == 1 && values.count == 4, "the claimers saw \(values)")
        try expect(try await setup.paidSteps(runID: runID) == 1, "more than one ledger row")
        try expect(try await setup.steps(runID: runID).map(\.state) == [.completed], "the step is not completed once")
    }

    static func leaseExpiryAllowsReclaim(_ open: Opener) async throws {
        let crashed = try await open(0.1)
        let runID = try await crashed.openRun(spec(), workerID: "setup").run.id
        let signature: JSONValue = ["prompt": "orphaned"]
        let hash = try ContentHash.of(signature)
        let request = StepRequest(
            runID: runID, checkpoint: hash + "#1", kind: .modelCall, signatureHash: hash,
            signatureJSON: try CanonicalJSON.string(signature), workerID: "crashed")
        // A worker claims the step and dies without completing or renewing it.
        guard case .claimed = try await crashed.claim(request) else { throw Violation(description: "the first claim did not succeed") }
        let survivor = try await open(60)
        let journal = try await survivor.journal(runID: runID, workerID: "survivor")
        let value = try await journal.step(.modelCall, signature: signature, as: Int.self) { StepOutput(7, charge: charge()) }
        try expect(value == 7, "the survivor got \(value)")
        let step = try await survivor.steps(runID: runID).first
        try expect(step?.state == .completed && step?.attempts == 2 && step?.workerID == "survivor", "the step is \(String(describing: step))")
        try expect(try await survivor.summary(runID: runID, lastEvents: 0).reattemptedPaidSteps == 1, "the retaken call is not flagged")
    }

    static func failedStepIsRecordedAndRetried(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        struct Boom: Error, CustomStringConvertible { var description: String { "provider said no" } }
        do {
            _ = try await store.journal(runID: runID, workerID: "w").step(.modelCall, signature: ["p": 1], as: Int.self) { throw Boom() }
            throw Violation(description: "the body's error was swallowed")
        } catch is Boom {}
        let failed = try await store.steps(runID: runID).first
        try expect(failed?.state == .failed && failed?.error == "provider said no", "the failed step is \(String(describing: failed))")
        try expect(try await store.paidSteps(runID: runID) == 0, "a failed step was charged")
        let retried = try await open(60).journal(runID: runID, workerID: "w").step(.modelCall, signature: ["p": 1], as: Int.self) {
            StepOutput(5, charge: charge())
        }
        try expect(retried == 5, "the retry answered \(retried)")
        let step = try await store.steps(runID: runID).first
        try expect(step?.state == .completed && step?.attempts == 2 && step?.error == nil, "the retried step is \(String(describing: step))")
    }

    static func ledgerOneRowPerPaidStep(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        let journal = try await store.journal(runID: runID, workerID: "w")
        for index in 0..<3 {
            _ = try await journal.step(.modelCall, signature: ["i": .number(Double(index))], as: Int.self) { StepOutput(index, charge: charge(tokens: 10)) }
            _ = try await journal.step(.phase, name: "phase/\(index)", signature: [:], as: Int.self) { StepOutput(index) }
        }
        try expect(try await store.paidSteps(runID: runID) == 3, "paid steps are not 3")
        let run = try await store.run(id: runID)
        try expect(run?.paidSteps == 3 && run?.spent.inputTokens == 30, "the run's totals are \(String(describing: run))")
        let totals = try await store.ledgerTotals(since: .distantPast)
        try expect(totals.calls == 3 && totals.tokens == 36, "ledger totals are \(totals)")
        try expect(try await store.ledgerTotals(since: .distantFuture).calls == 0, "the window ignored its start")
        let byModel = try await store.summary(runID: runID, lastEvents: 0).ledgerByModel
        try expect(byModel["local/contract"]?.inputTokens == 30, "ledger by model is \(byModel)")
    }

    static func keyedEventsOnce(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        try await store.recordEvent(runID: runID, key: "proposal:1", kind: .proposal, payload: ["iteration": 1])
        try await open(60).recordEvent(runID: runID, key: "proposal:1", kind: .proposal, payload: ["iteration": 1])
        try await store.appendEvent(runID: runID, kind: .generation, payload: ["n": 1])
        try await store.appendEvent(runID: runID, kind: .generation, payload: ["n": 1])
        try await store.recordSession(runID: runID, ["pid": 1])
        let events = try await store.summary(runID: runID, lastEvents: 100).lastEvents
        try expect(events.map(\.kind) == [.proposal, .generation, .generation, .session], "events are \(events.map(\.kind))")
        try expect(events.map(\.sequence) == events.map(\.sequence).sorted(), "events are out of order")
        try expect(try await store.sessions(runID: runID) == [["pid": 1]], "sessions are wrong")
    }

    static func candidatesAndEvaluationsOnce(_ open: Opener) async throws {
        let store = try await open(60)
        let runID = try await store.openRun(spec(), workerID: "w").run.id
        let candidate = Candidate(components: ["system": "Be brief."], parents: ["p0"], generator: "reflective", rationale: "shorter")
        try await store.recordCandidate(runID: runID, candidate)
        try await store.recordCandidate(runID: runID, candidate)
        let records = [
            EvaluationRecord(candidateID: candidate.id, itemID: "a", split: .search, score: 1, passed: true, feedback: ""),
            EvaluationRecord(candidateID: candidate.id, itemID: "b", split: .search, score: 0, passed: false, feedback: "wrong"),
            EvaluationRecord(candidateID: candidate.id, itemID: "a", split: .holdout, score: 0.5, passed: nil, feedback: ""),
        ]
        try await store.recordEvaluations(runID: runID, records)
        try await open(60).recordEvaluations(runID: runID, records)
        let summary = try await store.summary(runID: runID, lastEvents: 0)
        try expect(summary.candidates == 1 && summary.evaluations == 3, "counts are \(summary.candidates), \(summary.evaluations)")
        let listed = try await store.candidates(runID: runID)
        try expect(listed.count == 1 && listed[0].candidate == candidate, "candidates are \(listed)")
        try expect(listed[0].searchScore == 0.5 && listed[0].searchItems == 2 && listed[0].holdoutScore == 0.5, "scores are \(listed)")
    }

    static func openRunDedupesAndJoins(_ open: Opener) async throws {
        let store = try await open(60)
        let first = try await store.openRun(spec(), workerID: "a")
        let second = try await open(60).openRun(spec(), workerID: "b")
        let other = try await store.openRun(spec("contract/other"), workerID: "a")
        try expect(!first.joined && second.joined && first.run.id == second.run.id, "the same key did not join")
        try expect(other.run.id != first.run.id && !other.joined, "another key joined")
        try expect(second.run.spec == spec() && second.run.state == .running, "the joined run is \(second.run)")
        try await store.finishRun(id: first.run.id, state: .interrupted, result: nil, failure: "stopped")
        try expect(try await store.openRun(spec(), workerID: "c").run.state == .running, "an interrupted run was not rejoined")
        try await store.finishRun(id: first.run.id, state: .completed, result: ["verdict": "ship"], failure: nil)
        let finished = try await store.openRun(spec(), workerID: "d").run
        try expect(finished.state == .completed && finished.result == ["verdict": "ship"], "a completed run changed on join: \(finished)")
        try expect(try await store.listRuns(limit: 10).count == 2, "runs were duplicated")
    }

    static func resumeRules(_ open: Opener) async throws {
        let store = try await open(60)
        try await expectError(StoreError.unknownRun(id: "run-nope", store: store.location)) {
            _ = try await store.resumeRun(id: "run-nope", workerID: "w")
        }
        try await expectError(StoreError.unknownRun(id: "run-nope", store: store.location)) {
            _ = try await store.journal(runID: "run-nope", workerID: "w")
        }
        try await expectError(StoreError.unknownRun(id: "run-nope", store: store.location)) {
            try await store.finishRun(id: "run-nope", state: .failed, result: nil, failure: nil)
        }
        let run = try await store.openRun(spec(), workerID: "w").run
        try await store.finishRun(id: run.id, state: .interrupted, result: nil, failure: "killed")
        let resumed = try await store.resumeRun(id: run.id, workerID: "w2")
        try expect(resumed.state == .running && resumed.failure == nil, "the resumed run is \(resumed)")
        try await store.finishRun(id: run.id, state: .completed, result: nil, failure: nil)
        try await expectError(StoreError.runNotResumable(id: run.id, state: "completed")) {
            _ = try await store.resumeRun(id: run.id, workerID: "w3")
        }
    }

    // MARK: - Helpers

    static func spec(_ key: String = "contract/run") -> RunSpec {
        RunSpec(
            dedupeKey: key, seed: UInt64.max - 1, profileName: "contract", profileHash: "abc", surface: "prompt",
            generator: "reflective", config: ["budget": 10], policy: ["minLift": 0.05])
    }

    static func charge(tokens: Int = 1) -> LedgerCharge {
        LedgerCharge(model: "local/contract", inputTokens: tokens, outputTokens: 2, cost: 0.001)
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Violation(description: message()) }
    }

    static func expectError(_ expected: StoreError, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StoreError where error == expected {
            return
        } catch {
            throw Violation(description: "expected \(expected), got \(error)")
        }
        throw Violation(description: "expected \(expected), got no error")
    }
}

/// A count shared by concurrent step bodies.
private final class Tally: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

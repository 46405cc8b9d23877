import Foundation
import GRDB

/// The embedded durable store: one SQLite file in WAL mode, shareable by several processes.
///
/// Every write is a short `BEGIN IMMEDIATE` transaction (GRDB's default for writes on a
/// writable connection), so writers queue on SQLite's lock (with a 10 s busy timeout) instead
/// of failing halfway through a read-then-write. WAL with `synchronous = NORMAL` survives a
/// killed process without losing a committed step; only a power cut may drop the last commits.
///
/// Opening never damages a file that is not ours: a corrupt file, or a SQLite database of
/// another program, is refused with ``StoreError/unusableDatabase(path:reason:)`` before any
/// connection that could write is made.
public final class SQLiteRunStore: RunStore {
    /// How a store is opened.
    public enum AccessMode: Sendable {
        /// Creates the file (and its directory) when missing and applies migrations.
        case readWrite
        /// For inspection commands: a missing file is an error, nothing is created or migrated.
        case readOnly
    }

    /// `.improve/improve.sqlite` under the current directory: the store used when no path is given.
    public static var defaultPath: String {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(".improve/improve.sqlite").path
    }

    /// The store's file path.
    public let path: String
    public var location: String { path }
    /// How long a claimed step stays reserved for its worker without renewal.
    public let leaseDuration: TimeInterval
    let pool: DatabasePool
    let redactor: Redactor

    /// Opens (and, in `.readWrite` mode, creates and migrates) the store at `path`.
    ///
    /// - Parameters:
    ///   - leaseDuration: seconds a claimed step is reserved; journals renew it every third of
    ///     this while the step body runs, so a long model call keeps its claim.
    ///   - redactor: applied to every error text the store records.
    /// - Throws: ``StoreError/unusableDatabase(path:reason:)`` for a corrupt or foreign file, or
    ///   a missing one in `.readOnly` mode; the file is left byte-for-byte unchanged.
    public init(
        path: String = SQLiteRunStore.defaultPath, mode: AccessMode = .readWrite,
        leaseDuration: TimeInterval = 60, redactor: Redactor = .fromEnvironment()
    ) throws {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        self.path = path
        self.leaseDuration = leaseDuration
        self.redactor = redactor
        let finding = try StoreFileCheck.inspect(path: path)
        if mode == .readOnly, finding == .absent {
            throw StoreError.unusableDatabase(path: path, reason: "no store file exists there (read-only commands never create one; check --store)")
        }
        if mode == .readWrite {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.readonly = mode == .readOnly
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "improve.store"
        // WAL + NORMAL: a commit is durable against a killed process (the WAL is written before
        // the commit returns) without an fsync per commit; only a power cut can drop the last
        // commits. SQLite's default, FULL, costs an fsync per step and made the journal 5x slower.
        if mode == .readWrite {
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StoreError.unusableDatabase(path: path, reason: "SQLite cannot open it (\(error.message ?? error.resultCode.description))")
        }
        if mode == .readWrite { try Self.migrate(pool) }
    }

    /// Folds the write-ahead log into the database file and empties the log: before copying
    /// the file elsewhere, or measuring its size.
    public func checkpointWAL() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Applies migrations. Two processes creating one file at once may race: the loser's
    /// `CREATE TABLE` fails, after which the winner's migrations are simply there.
    private static func migrate(_ pool: DatabasePool) throws {
        let migrator = StoreSchema.migrator
        do {
            try migrator.migrate(pool)
        } catch {
            guard try pool.read({ try migrator.hasCompletedMigrations($0) }) else { throw error }
        }
    }

    /// Closes the connections; later calls fail.
    public func close() throws {
        try pool.close()
    }

    // MARK: - Runs

    /// The id of the run opened with `dedupeKey`: derived from the key alone, so every process
    /// computes the same id without reading the clock or a random source.
    public static func runID(forDedupeKey dedupeKey: String) -> String {
        "run-" + ContentHash.sha256(dedupeKey).prefix(12)
    }

    public func openRun(_ spec: RunSpec, workerID: String) throws -> (run: RunRecord, joined: Bool) {
        let id = Self.runID(forDedupeKey: spec.dedupeKey)
        let config = try StoreCoding.text(spec.config)
        let policy = try StoreCoding.text(spec.policy)
        let joined: Bool = try pool.write { db in
            let now = StoreCoding.now()
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [id]) ?? false
            if exists {
                // Joining a run that had stopped makes it running again; a completed run stays completed.
                try db.execute(
                    sql: "UPDATE runs SET state = 'running', updated_at = ? WHERE id = ? AND state IN ('interrupted', 'failed', 'cancelled')",
                    arguments: [now, id])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO runs (id, dedupe_key, state, seed, profile_name, profile_hash, surface, generator,
                                          config_json, policy_json, created_at, updated_at)
                        VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id, spec.dedupeKey, String(spec.seed), spec.profileName, spec.profileHash, spec.surface,
                                spec.generator, config, policy, now, now])
            }
            try Self.startAttempt(db, runID: id, workerID: workerID, now: now)
            return exists
        }
        guard let record = try run(id: id) else { throw StoreError.unknownRun(id: id, store: path) }
        return (record, joined)
    }

    public func resumeRun(id: String, workerID: String) throws -> RunRecord {
        try pool.write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM runs WHERE id = ?", arguments: [id]) else {
                throw StoreError.unknownRun(id: id, store: path)
            }
            if state == RunState.completed.rawValue {
                throw StoreError.runNotResumable(id: id, state: state)
            }
            let now = StoreCoding.now()
            try db.execute(sql: "UPDATE runs SET state = 'running', failure = NULL, updated_at = ? WHERE id = ?", arguments: [now, id])
            try Self.startAttempt(db, runID: id, workerID: workerID, now: now)
        }
        guard let record = try run(id: id) else { throw StoreError.unknownRun(id: id, store: path) }
        return record
    }

    private static func startAttempt(_ db: Database, runID: String, workerID: String, now: Double) throws {
        try db.execute(
            sql: "INSERT INTO attempts (run_id, worker_id, started_at) VALUES (?, ?, ?)",
            arguments: [runID, workerID, now])
    }

    public func run(id: String) throws -> RunRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: RunRows.select + " WHERE r.id = ?", arguments: [id]).map(RunRows.record)
        }
    }

    public func listRuns(limit: Int) throws -> [RunRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: RunRows.select + " ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map(RunRows.record)
        }
    }

    public func finishRun(id: String, state: RunState, result: JSONValue?, failure: String?) throws {
        let resultText = try result.map(StoreCoding.text)
        let failureText = failure.map(redactor.redact)
        try pool.write { db in
            let now = StoreCoding.now()
            try db.execute(
                sql: "UPDATE runs SET state = ?, result_json = ?, failure = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, resultText, failureText, now, id])
            guard db.changesCount > 0 else { throw StoreError.unknownRun(id: id, store: path) }
            try db.execute(sql: "UPDATE attempts SET ended_at = ? WHERE run_id = ? AND ended_at IS NULL", arguments: [now, id])
        }
    }

    // MARK: - Journal

    /// The step journal of `runID` for `workerID`.
    ///
    /// A worker id names a logical worker: a process restarted under the same id takes its own
    /// unfinished claims back at once, while claims of other ids are honoured until their lease
    /// expires. Give concurrent processes distinct ids.
    public func journal(runID: String, workerID: String) throws -> any StepJournal {
        try stepJournal(runID: runID, workerID: workerID)
    }

    /// The concrete journal (for callers that want its counters).
    public func stepJournal(runID: String, workerID: String) throws -> SQLiteStepJournal {
        guard try run(id: runID) != nil else { throw StoreError.unknownRun(id: runID, store: path) }
        return SQLiteStepJournal(store: self, runID: runID, workerID: workerID, completedAtStart: try completedCheckpoints(runID: runID))
    }

    /// Checkpoints of the run's completed steps, read once when a journal starts.
    func completedCheckpoints(runID: String) throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT checkpoint FROM steps WHERE run_id = ? AND state = 'completed'", arguments: [runID]))
        }
    }

    /// Every step of a run, oldest first: for inspection and for tests that watch a run from outside.
    public func steps(runID: String) throws -> [StepRecord] {
        try pool.read { db in
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

    // MARK: - Candidates, evaluations, events

    public func recordCandidate(runID: String, _ candidate: Candidate) throws {
        let components = try StoreCoding.text(.object(candidate.components.mapValues { .string($0) }))
        let parents = try StoreCoding.text(.array(candidate.parents.map { .string($0) }))
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO candidates (run_id, candidate_id, components_json, parents_json, generator, rationale, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, candidate_id) DO NOTHING
                    """,
                arguments: [runID, candidate.id, components, parents, candidate.generator, candidate.rationale, StoreCoding.now()])
        }
    }

    public func recordEvaluations(runID: String, _ records: [EvaluationRecord]) throws {
        guard !records.isEmpty else { return }
        try pool.write { db in
            let now = StoreCoding.now()
            let statement = try db.makeStatement(sql: """
                INSERT INTO evaluations (run_id, candidate_id, item_id, split, score, passed, feedback, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, candidate_id, item_id, split) DO NOTHING
                """)
            for record in records {
                try statement.execute(arguments: [
                    runID, record.candidateID, record.itemID, record.split.rawValue, record.score, record.passed,
                    record.feedback, now,
                ])
            }
        }
    }

    public func appendEvent(runID: String, kind: String, payload: JSONValue) throws {
        try insertEvent(runID: runID, key: nil, kind: kind, payload: payload)
    }

    public func recordEvent(runID: String, key: String, kind: String, payload: JSONValue) throws {
        try insertEvent(runID: runID, key: key, kind: kind, payload: payload)
    }

    /// Inserts an event; one whose key the run already has is skipped (keys are unique per run,
    /// a nil key never conflicts).
    private func insertEvent(runID: String, key: String?, kind: String, payload: JSONValue) throws {
        let payloadText = try StoreCoding.text(payload)
        try pool.write { db in
            let now = StoreCoding.now()
            try db.execute(
                sql: "INSERT INTO events (run_id, kind, payload_json, at, event_key) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, event_key) DO NOTHING",
                arguments: [runID, kind, payloadText, now, key])
            guard db.changesCount > 0 else { return }
            try db.execute(sql: "UPDATE runs SET updated_at = ? WHERE id = ?", arguments: [now, runID])
        }
    }

    public func summary(runID: String, lastEvents: Int) throws -> RunSummary {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: RunRows.select + " WHERE r.id = ?", arguments: [runID]) else {
                throw StoreError.unknownRun(id: runID, store: path)
            }
            let run = try RunRows.record(row)
            let steps = try Row.fetchAll(
                db, sql: "SELECT kind, state, COUNT(*) AS n FROM steps WHERE run_id = ? GROUP BY kind, state ORDER BY kind, state",
                arguments: [runID]
            ).map { RunSummary.StepCount(kind: $0["kind"], state: $0["state"], count: $0["n"]) }
            var ledger: [String: Usage] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT model, SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(cost) AS c FROM ledger WHERE run_id = ? GROUP BY model",
                arguments: [runID])
            {
                ledger[row["model"]] = Usage(inputTokens: row["i"], outputTokens: row["o"], cost: row["c"])
            }
            let candidates = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidates WHERE run_id = ?", arguments: [runID]) ?? 0
            let evaluations = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM evaluations WHERE run_id = ?", arguments: [runID]) ?? 0
            let events = try Row.fetchAll(
                db, sql: "SELECT sequence, kind, payload_json, at FROM events WHERE run_id = ? ORDER BY sequence DESC LIMIT ?",
                arguments: [runID, max(0, lastEvents)]
            ).reversed().map { row in
                RunSummary.Event(
                    sequence: row["sequence"], kind: row["kind"], payload: try StoreCoding.json(row["payload_json"] as String),
                    at: StoreCoding.date(row["at"]))
            }
            let reattempted = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM steps WHERE run_id = ? AND attempts > 1 AND kind IN (?, ?)",
                arguments: [runID, StepKind.modelCall.rawValue, StepKind.scorer.rawValue]) ?? 0
            return RunSummary(
                run: run, steps: steps, ledgerByModel: ledger, candidates: candidates, evaluations: evaluations, lastEvents: events,
                reattemptedPaidSteps: reattempted)
        }
    }
}

/// One journaled step as stored.
public struct StepRecord: Codable, Sendable, Equatable {
    public var checkpoint: String
    /// A ``StepKind`` raw value.
    public var kind: String
    /// `pending`, `running`, `completed`, `failed` or `cancelled`.
    public var state: String
    /// How many times the step was claimed.
    public var attempts: Int
    /// The redacted error of the last failed attempt.
    public var error: String?
    public var workerID: String?
}

/// Reading runs together with their ledger totals.
enum RunRows {
    static let select = """
        SELECT r.*, COALESCE(l.input_tokens, 0) AS spent_input, COALESCE(l.output_tokens, 0) AS spent_output,
               COALESCE(l.cost, 0) AS spent_cost, COALESCE(l.paid, 0) AS paid_steps
        FROM runs r LEFT JOIN (
            SELECT run_id, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
                   SUM(cost) AS cost, COUNT(*) AS paid
            FROM ledger GROUP BY run_id
        ) l ON l.run_id = r.id
        """

    static func record(_ row: Row) throws -> RunRecord {
        let seedText: String = row["seed"]
        let stateText: String = row["state"]
        let spec = RunSpec(
            dedupeKey: row["dedupe_key"], seed: UInt64(seedText) ?? 0, profileName: row["profile_name"],
            profileHash: row["profile_hash"], surface: row["surface"], generator: row["generator"],
            config: try StoreCoding.json(row["config_json"] as String), policy: try StoreCoding.json(row["policy_json"] as String))
        return RunRecord(
            id: row["id"], spec: spec, state: RunState(rawValue: stateText) ?? .failed,
            result: try StoreCoding.json(row["result_json"] as String?), failure: row["failure"],
            createdAt: StoreCoding.date(row["created_at"]), updatedAt: StoreCoding.date(row["updated_at"]),
            spent: Usage(inputTokens: row["spent_input"], outputTokens: row["spent_output"], cost: row["spent_cost"]),
            paidSteps: row["paid_steps"])
    }
}

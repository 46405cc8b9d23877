import Foundation
import GRDB
import ImproveCore

/// The embedded durable store: one SQLite file in WAL mode, shareable by several processes.
///
/// This type implements only the storage primitives of ``StoreBackend`` (one SQL transaction
/// each, in `SQLiteRunStore+Steps.swift`, `+Queries.swift`, `+Candidates.swift` and below);
/// the run store and journal semantics come from ImproveCore's `StoreBackend` extensions and
/// `DurableStepJournal`, shared with every other backend.
///
/// Every write is a short `BEGIN IMMEDIATE` transaction (GRDB's default for writes on a
/// writable connection), so writers queue on SQLite's lock (with a 10 s busy timeout) instead
/// of failing halfway through a read-then-write. WAL with `synchronous = NORMAL` survives a
/// killed process without losing a committed step; only a power cut may drop the last commits.
///
/// Opening never damages a file that is not ours: a corrupt file, or a SQLite database of
/// another program, is refused with ``StoreError/unusableDatabase(path:reason:)`` before any
/// connection that could write is made.
public final class SQLiteRunStore: StoreBackend {
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
    /// Applied to every error text the store records.
    public let redactor: Redactor

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

    /// A short write transaction on the calling thread. Journal transactions take tens of
    /// microseconds; hopping to GRDB's writer queue and back (its `async` overloads, which an
    /// `async` caller gets by default) cost more than the work: a fresh run journaled about
    /// 1,000 steps/s that way. A writer of another process can make this wait up to the busy
    /// timeout, which only happens under real contention.
    func writeNow<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.write(updates)
    }

    /// A read on the calling thread, for the same reason; WAL readers never wait for writers.
    func readNow<T>(_ value: (Database) throws -> T) throws -> T {
        try pool.read(value)
    }

    // MARK: - Runs (storage primitives; the semantics are in ImproveCore's StoreBackend extensions)

    public func upsertRun(id: String, spec stored: StoredRunSpec, workerID: String, at now: Double) async throws -> Bool {
        let spec = stored.spec
        return try writeNow { db in
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
                                spec.generator, stored.configText, stored.policyText, now, now])
            }
            try Self.startAttempt(db, runID: id, workerID: workerID, now: now)
            return exists
        }
    }

    public func reopenRun(id: String, workerID: String, refused: RunState, at now: Double) async throws -> RunState? {
        try writeNow { db in
            guard let text = try String.fetchOne(db, sql: "SELECT state FROM runs WHERE id = ?", arguments: [id]) else { return nil }
            let state = RunState(rawValue: text) ?? .failed
            guard state != refused else { return state }
            try db.execute(sql: "UPDATE runs SET state = 'running', failure = NULL, updated_at = ? WHERE id = ?", arguments: [now, id])
            try Self.startAttempt(db, runID: id, workerID: workerID, now: now)
            return state
        }
    }

    private static func startAttempt(_ db: Database, runID: String, workerID: String, now: Double) throws {
        try db.execute(
            sql: "INSERT INTO attempts (run_id, worker_id, started_at) VALUES (?, ?, ?)",
            arguments: [runID, workerID, now])
    }

    public func fetchRun(id: String) async throws -> RunRecord? {
        try readNow { db in
            try Row.fetchOne(db, sql: RunRows.select + " WHERE r.id = ?", arguments: [id]).map(RunRows.record)
        }
    }

    public func updateRunEnd(id: String, state: RunState, resultText: String?, failureText: String?, at now: Double) async throws -> Bool {
        try writeNow { db in
            try db.execute(
                sql: "UPDATE runs SET state = ?, result_json = ?, failure = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, resultText, failureText, now, id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE attempts SET ended_at = ? WHERE run_id = ? AND ended_at IS NULL", arguments: [now, id])
            return true
        }
    }

    // MARK: - Candidates, evaluations, events

    public func insertCandidate(runID: String, _ candidate: StoredCandidate, at now: Double) async throws {
        try writeNow { db in
            try db.execute(
                sql: """
                    INSERT INTO candidates (run_id, candidate_id, components_json, parents_json, generator, rationale, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, candidate_id) DO NOTHING
                    """,
                arguments: [runID, candidate.id, candidate.componentsText, candidate.parentsText, candidate.generator,
                            candidate.rationale, now])
        }
    }

    public func insertEvaluations(runID: String, _ records: [EvaluationRecord], at now: Double) async throws {
        try writeNow { db in
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

    /// Keys are unique per run; a nil key never conflicts.
    public func insertEvent(runID: String, key: String?, kind: RunEventKind, payloadText: String, at now: Double) async throws {
        try writeNow { db in
            try db.execute(
                sql: "INSERT INTO events (run_id, kind, payload_json, at, event_key) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, event_key) DO NOTHING",
                arguments: [runID, kind.rawValue, payloadText, now, key])
            guard db.changesCount > 0 else { return }
            try db.execute(sql: "UPDATE runs SET updated_at = ? WHERE id = ?", arguments: [now, runID])
        }
    }

    public func fetchEventPayloads(runID: String, kind: RunEventKind) async throws -> [JSONValue] {
        try readNow { db in
            try String.fetchAll(
                db, sql: "SELECT payload_json FROM events WHERE run_id = ? AND kind = ? ORDER BY sequence",
                arguments: [runID, kind.rawValue]
            ).map { try StoreCoding.json($0) }
        }
    }
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

/// The step journal of a ``SQLiteRunStore``: the backend-neutral journal specialised for SQLite.
public typealias SQLiteStepJournal = DurableStepJournal<SQLiteRunStore>

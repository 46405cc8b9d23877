import Foundation
import GRDB

/// What the ledger holds over a stretch of time, across every run of a store.
public struct LedgerTotals: Codable, Sendable, Equatable {
    /// Paid steps (one ledger row each: model calls and paid scorer calls).
    public var calls: Int
    /// Input plus output tokens.
    public var tokens: Int
    /// US dollars.
    public var cost: Double

    public init(calls: Int = 0, tokens: Int = 0, cost: Double = 0) {
        self.calls = calls
        self.tokens = tokens
        self.cost = cost
    }
}

/// One run with what a morning report needs beside it: failed steps and when its ledger started.
public struct RunDigestRow: Sendable, Equatable {
    public var run: RunRecord
    /// Steps of the run whose last attempt failed (a resume retries them).
    public var failedSteps: Int
}

extension SQLiteRunStore {
    /// The ledger summed over every run since `start`: the figure a spend ceiling across runs
    /// is checked against before each paid call. The caller chooses `start` (a rolling window
    /// computed once from the wall clock), so the store itself reads no clock here.
    public func ledgerTotals(since start: Date) throws -> LedgerTotals {
        try pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT COUNT(*) AS n, COALESCE(SUM(input_tokens + output_tokens), 0) AS t, COALESCE(SUM(cost), 0) AS c FROM ledger WHERE created_at >= ?",
                arguments: [start.timeIntervalSince1970])
            return LedgerTotals(calls: row?["n"] ?? 0, tokens: row?["t"] ?? 0, cost: row?["c"] ?? 0)
        }
    }

    /// Runs updated at or after `start`, newest first, each with its count of failed steps.
    public func runs(updatedSince start: Date, limit: Int) throws -> [RunDigestRow] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: RunRows.select + " WHERE r.updated_at >= ? ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ?",
                arguments: [start.timeIntervalSince1970, max(0, limit)])
            return try rows.map { row in
                let run = try RunRows.record(row)
                let failed = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM steps WHERE run_id = ? AND state = 'failed'", arguments: [run.id]) ?? 0
                return RunDigestRow(run: run, failedSteps: failed)
            }
        }
    }

    /// Records how one process's attempt at a run ended, as a `session` event: paid and
    /// replayed calls, exit status and stop reason are facts of a process, not of the run.
    public func recordSession(runID: String, _ payload: JSONValue) throws {
        try appendEvent(runID: runID, kind: "session", payload: payload)
    }

    /// The payloads of the run's `session` events, oldest first.
    public func sessions(runID: String) throws -> [JSONValue] {
        try pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT payload_json FROM events WHERE run_id = ? AND kind = 'session' ORDER BY sequence",
                arguments: [runID]
            ).map { try StoreCoding.json($0) }
        }
    }

    /// Completed paid steps of a run (its ledger rows).
    public func paidSteps(runID: String) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger WHERE run_id = ?", arguments: [runID]) ?? 0
        }
    }
}

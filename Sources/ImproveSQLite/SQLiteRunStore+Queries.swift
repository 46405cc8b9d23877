import Foundation
import GRDB
import ImproveCore

/// The read-only queries behind `improve-cli runs`, `show` and the spend ceiling.
extension SQLiteRunStore {
    public func fetchLedgerTotals(since start: Double) async throws -> LedgerTotals {
        try readNow { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT COUNT(*) AS n, COALESCE(SUM(input_tokens + output_tokens), 0) AS t, COALESCE(SUM(cost), 0) AS c FROM ledger WHERE created_at >= ?",
                arguments: [start])
            return LedgerTotals(calls: row?["n"] ?? 0, tokens: row?["t"] ?? 0, cost: row?["c"] ?? 0)
        }
    }

    public func fetchRuns(updatedSince start: Date?, limit: Int) async throws -> [RunDigestRow] {
        try readNow { db in
            let rows: [Row]
            if let start {
                rows = try Row.fetchAll(
                    db, sql: RunRows.select + " WHERE r.updated_at >= ? ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ?",
                    arguments: [start.timeIntervalSince1970, limit])
            } else {
                rows = try Row.fetchAll(db, sql: RunRows.select + " ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map { row in
                let run = try RunRows.record(row)
                let failed = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM steps WHERE run_id = ? AND state = 'failed'", arguments: [run.id]) ?? 0
                return RunDigestRow(run: run, failedSteps: failed)
            }
        }
    }

    public func countLedgerRows(runID: String) async throws -> Int {
        try readNow { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger WHERE run_id = ?", arguments: [runID]) ?? 0
        }
    }

    public func fetchSummary(runID: String, lastEvents: Int, paidKinds: [StepKind]) async throws -> RunSummary? {
        try readNow { db in
            guard let row = try Row.fetchOne(db, sql: RunRows.select + " WHERE r.id = ?", arguments: [runID]) else { return nil }
            let run = try RunRows.record(row)
            let steps = try Row.fetchAll(
                db, sql: "SELECT kind, state, COUNT(*) AS n FROM steps WHERE run_id = ? GROUP BY kind, state ORDER BY kind, state",
                arguments: [runID]
            ).map { row in
                RunSummary.StepCount(
                    kind: try StepKind.stored(row["kind"], in: path), state: try StepState.stored(row["state"], in: path), count: row["n"])
            }
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
                arguments: [runID, lastEvents]
            ).reversed().map { row in
                RunSummary.Event(
                    sequence: row["sequence"], kind: try RunEventKind.stored(row["kind"], in: path), payload: try StoreCoding.json(row["payload_json"] as String),
                    at: StoreCoding.date(row["at"]))
            }
            let kinds = paidKinds.map(\.rawValue)
            let placeholders = kinds.map { _ in "?" }.joined(separator: ", ")
            let reattempted = kinds.isEmpty ? 0 : try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM steps WHERE run_id = ? AND attempts > 1 AND kind IN (\(placeholders))",
                arguments: StatementArguments([runID] + kinds)) ?? 0
            return RunSummary(
                run: run, steps: steps, ledgerByModel: ledger, candidates: candidates, evaluations: evaluations, lastEvents: events,
                reattemptedPaidSteps: reattempted)
        }
    }
}

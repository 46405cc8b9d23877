import Foundation
import ImproveCore
import PostgresNIO

/// Candidates, evaluations, events and the queries behind `show`, `runs` and the spend ceiling.
extension PostgresRunStore {
    public func insertCandidate(runID: String, _ candidate: StoredCandidate, at now: Double) async throws {
        _ = try await database.rows("""
            INSERT INTO candidates (run_id, candidate_id, components_json, parents_json, generator, rationale, created_at)
            VALUES (\(runID), \(candidate.id), \(candidate.componentsText), \(candidate.parentsText), \(candidate.generator),
                    \(candidate.rationale), \(now))
            ON CONFLICT (run_id, candidate_id) DO NOTHING
            """)
    }

    public func insertEvaluations(runID: String, _ records: [EvaluationRecord], at now: Double) async throws {
        try await database.transaction { connection in
            for record in records {
                try await connection.query("""
                    INSERT INTO evaluations (run_id, candidate_id, item_id, split, score, passed, feedback, created_at)
                    VALUES (\(runID), \(record.candidateID), \(record.itemID), \(record.split.rawValue), \(record.score),
                            \(record.passed), \(record.feedback), \(now))
                    ON CONFLICT (run_id, candidate_id, item_id, split) DO NOTHING
                    """, logger: PostgresDatabase.silent)
            }
        }
    }

    public func insertEvent(runID: String, key: String?, kind: RunEventKind, payloadText: String, at now: Double) async throws {
        try await database.transaction { connection in
            let inserted = try await connection.query("""
                INSERT INTO events (run_id, kind, payload_json, at, event_key) VALUES (\(runID), \(kind.rawValue), \(payloadText), \(now), \(key))
                ON CONFLICT (run_id, event_key) DO NOTHING RETURNING sequence
                """, logger: PostgresDatabase.silent).collect()
            guard !inserted.isEmpty else { return }
            try await connection.query("UPDATE runs SET updated_at = \(now) WHERE id = \(runID)", logger: PostgresDatabase.silent)
        }
    }

    public func fetchEventPayloads(runID: String, kind: RunEventKind) async throws -> [JSONValue] {
        try await database.rows("SELECT payload_json FROM events WHERE run_id = \(runID) AND kind = \(kind.rawValue) ORDER BY sequence")
            .named.map { try StoreCoding.json(try $0.value("payload_json", as: String.self)) }
    }

    public func fetchSummary(runID: String, lastEvents: Int, paidKinds: [StepKind]) async throws -> RunSummary? {
        guard let run = try await fetchRun(id: runID) else { return nil }
        let steps = try await database.rows(
            "SELECT kind, state, COUNT(*)::BIGINT AS n FROM steps WHERE run_id = \(runID) GROUP BY kind, state ORDER BY kind, state"
        ).named.map { row in
            RunSummary.StepCount(
                kind: try StepKind.stored(try row.value("kind"), in: location), state: try row.stepState(in: location),
                count: try row.value("n"))
        }
        var ledger: [String: Usage] = [:]
        for row in try await database.rows("""
            SELECT model, SUM(input_tokens)::BIGINT AS i, SUM(output_tokens)::BIGINT AS o, SUM(cost)::DOUBLE PRECISION AS c
            FROM ledger WHERE run_id = \(runID) GROUP BY model
            """).named {
            ledger[try row.value("model")] = Usage(inputTokens: try row.value("i"), outputTokens: try row.value("o"), cost: try row.value("c"))
        }
        let paid = paidKinds.map(\.rawValue)
        let counts = try await database.rows("""
            SELECT (SELECT COUNT(*) FROM candidates WHERE run_id = \(runID))::BIGINT AS candidates,
                   (SELECT COUNT(*) FROM evaluations WHERE run_id = \(runID))::BIGINT AS evaluations,
                   (SELECT COUNT(*) FROM steps WHERE run_id = \(runID) AND attempts > 1 AND kind = ANY(\(paid)))::BIGINT AS reattempted
            """).named.first
        let events = try await database.rows(
            "SELECT sequence, kind, payload_json, at FROM events WHERE run_id = \(runID) ORDER BY sequence DESC LIMIT \(lastEvents)"
        ).named.reversed().map { row in
            RunSummary.Event(
                sequence: try row.value("sequence"), kind: try RunEventKind.stored(try row.value("kind"), in: location),
                payload: try StoreCoding.json(try row.value("payload_json", as: String.self)), at: Date(timeIntervalSince1970: try row.value("at")))
        }
        return RunSummary(
            run: run, steps: steps, ledgerByModel: ledger, candidates: try counts?.value("candidates") ?? 0,
            evaluations: try counts?.value("evaluations") ?? 0, lastEvents: events, reattemptedPaidSteps: try counts?.value("reattempted") ?? 0)
    }

    public func fetchCandidates(runID: String) async throws -> [CandidateSummary]? {
        guard try await fetchRun(id: runID) != nil else { return nil }
        return try await database.rows("""
            SELECT c.candidate_id, c.components_json, c.parents_json, c.generator, c.rationale, c.created_at,
                   s.mean AS search_mean, COALESCE(s.n, 0)::BIGINT AS search_n, h.mean AS holdout_mean
            FROM candidates c
            LEFT JOIN (SELECT candidate_id, AVG(score) AS mean, COUNT(*) AS n FROM evaluations
                       WHERE run_id = \(runID) AND split = 'search' GROUP BY candidate_id) s ON s.candidate_id = c.candidate_id
            LEFT JOIN (SELECT candidate_id, AVG(score) AS mean FROM evaluations
                       WHERE run_id = \(runID) AND split = 'holdout' GROUP BY candidate_id) h ON h.candidate_id = c.candidate_id
            WHERE c.run_id = \(runID)
            ORDER BY c.created_at, c.ordinal
            """).named.map { row in
            CandidateSummary(
                id: try row.value("candidate_id"),
                candidate: try StoredCandidate.candidate(
                    componentsText: try row.value("components_json"), parentsText: try row.value("parents_json"),
                    generator: try row.value("generator"), rationale: try row.value("rationale")),
                searchScore: try row.value("search_mean"), searchItems: try row.value("search_n"), holdoutScore: try row.value("holdout_mean"),
                recordedAt: Date(timeIntervalSince1970: try row.value("created_at")))
        }
    }

    public func fetchLedgerTotals(since start: Double) async throws -> LedgerTotals {
        let row = try await database.rows("""
            SELECT COUNT(*)::BIGINT AS n, COALESCE(SUM(input_tokens + output_tokens), 0)::BIGINT AS t,
                   COALESCE(SUM(cost), 0)::DOUBLE PRECISION AS c
            FROM ledger WHERE created_at >= \(start)
            """).named.first
        return LedgerTotals(calls: try row?.value("n") ?? 0, tokens: try row?.value("t") ?? 0, cost: try row?.value("c") ?? 0)
    }

    public func countLedgerRows(runID: String) async throws -> Int {
        try await database.rows("SELECT COUNT(*)::BIGINT AS n FROM ledger WHERE run_id = \(runID)").named.first?.value("n") ?? 0
    }
}

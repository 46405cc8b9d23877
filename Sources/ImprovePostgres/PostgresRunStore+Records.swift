import Foundation
import ImproveCore
import PostgresNIO

/// Candidates, evaluations, events and the summary `improve-cli show` prints.
extension PostgresRunStore {
    /// Records a candidate once (idempotent by candidate id).
    public func recordCandidate(runID: String, _ candidate: Candidate) async throws {
        let components = try PostgresCoding.text(.object(candidate.components.mapValues { .string($0) }))
        let parents = try PostgresCoding.text(.array(candidate.parents.map { .string($0) }))
        let now = PostgresCoding.now()
        _ = try await database.rows("""
            INSERT INTO candidates (run_id, candidate_id, components_json, parents_json, generator, rationale, created_at)
            VALUES (\(runID), \(candidate.id), \(components), \(parents), \(candidate.generator), \(candidate.rationale), \(now))
            ON CONFLICT (run_id, candidate_id) DO NOTHING
            """)
    }

    /// Records scored pairs (idempotent by run, candidate, item, split), in one transaction.
    public func recordEvaluations(runID: String, _ records: [EvaluationRecord]) async throws {
        guard !records.isEmpty else { return }
        try await database.transaction { connection in
            let now = PostgresCoding.now()
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

    /// Appends a progress event.
    public func appendEvent(runID: String, kind: String, payload: JSONValue) async throws {
        try await insertEvent(runID: runID, key: nil, kind: kind, payload: payload)
    }

    /// Records an event once per (run, `key`).
    public func recordEvent(runID: String, key: String, kind: String, payload: JSONValue) async throws {
        try await insertEvent(runID: runID, key: key, kind: kind, payload: payload)
    }

    private func insertEvent(runID: String, key: String?, kind: String, payload: JSONValue) async throws {
        let payloadText = try PostgresCoding.text(payload)
        try await database.transaction { connection in
            let now = PostgresCoding.now()
            let inserted = try await connection.query("""
                INSERT INTO events (run_id, kind, payload_json, at, event_key) VALUES (\(runID), \(kind), \(payloadText), \(now), \(key))
                ON CONFLICT (run_id, event_key) DO NOTHING RETURNING sequence
                """, logger: PostgresDatabase.silent).collect()
            guard !inserted.isEmpty else { return }
            try await connection.query("UPDATE runs SET updated_at = \(now) WHERE id = \(runID)", logger: PostgresDatabase.silent)
        }
    }

    /// Counts, ledger by model and the last events of a run.
    public func summary(runID: String, lastEvents: Int) async throws -> RunSummary {
        guard let run = try await run(id: runID) else { throw StoreError.unknownRun(id: runID, store: location) }
        let steps = try await database.rows(
            "SELECT kind, state, COUNT(*)::BIGINT AS n FROM steps WHERE run_id = \(runID) GROUP BY kind, state ORDER BY kind, state"
        ).named.map { RunSummary.StepCount(kind: try $0.value("kind"), state: try $0.value("state"), count: try $0.value("n")) }
        var ledger: [String: Usage] = [:]
        for row in try await database.rows("""
            SELECT model, SUM(input_tokens)::BIGINT AS i, SUM(output_tokens)::BIGINT AS o, SUM(cost)::DOUBLE PRECISION AS c
            FROM ledger WHERE run_id = \(runID) GROUP BY model
            """).named {
            ledger[try row.value("model")] = Usage(inputTokens: try row.value("i"), outputTokens: try row.value("o"), cost: try row.value("c"))
        }
        let limit = max(0, lastEvents)
        let counts = try await database.rows("""
            SELECT (SELECT COUNT(*) FROM candidates WHERE run_id = \(runID))::BIGINT AS candidates,
                   (SELECT COUNT(*) FROM evaluations WHERE run_id = \(runID))::BIGINT AS evaluations,
                   (SELECT COUNT(*) FROM steps WHERE run_id = \(runID) AND attempts > 1
                       AND kind IN (\(StepKind.modelCall.rawValue), \(StepKind.scorer.rawValue)))::BIGINT AS reattempted
            """).named.first
        let events = try await database.rows(
            "SELECT sequence, kind, payload_json, at FROM events WHERE run_id = \(runID) ORDER BY sequence DESC LIMIT \(limit)"
        ).named.reversed().map { row in
            RunSummary.Event(
                sequence: try row.value("sequence"), kind: try row.value("kind"),
                payload: try PostgresCoding.json(try row.value("payload_json")), at: Date(timeIntervalSince1970: try row.value("at")))
        }
        return RunSummary(
            run: run, steps: steps, ledgerByModel: ledger, candidates: try counts?.value("candidates") ?? 0,
            evaluations: try counts?.value("evaluations") ?? 0, lastEvents: events, reattemptedPaidSteps: try counts?.value("reattempted") ?? 0)
    }

    /// The run's candidates in the order they were recorded, with their mean search and holdout scores.
    public func candidates(runID: String) async throws -> [CandidateSummary] {
        try await requireRun(runID)
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
            let components = try PostgresCoding.json(try row.value("components_json")).objectValue?.compactMapValues(\.stringValue) ?? [:]
            let parents = try PostgresCoding.json(try row.value("parents_json")).arrayValue?.compactMap(\.stringValue) ?? []
            return CandidateSummary(
                id: try row.value("candidate_id"),
                candidate: Candidate(components: components, parents: parents, generator: try row.value("generator"), rationale: try row.value("rationale")),
                searchScore: try row.value("search_mean"), searchItems: try row.value("search_n"), holdoutScore: try row.value("holdout_mean"),
                recordedAt: Date(timeIntervalSince1970: try row.value("created_at")))
        }
    }
}

import Foundation
import GRDB
import ImproveCore

extension SQLiteRunStore {
    public func fetchCandidates(runID: String) async throws -> [CandidateSummary]? {
        try readNow { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [runID]) != nil else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.candidate_id, c.components_json, c.parents_json, c.generator, c.rationale, c.created_at,
                           s.mean AS search_mean, COALESCE(s.n, 0) AS search_n, h.mean AS holdout_mean
                    FROM candidates c
                    LEFT JOIN (SELECT candidate_id, AVG(score) AS mean, COUNT(*) AS n FROM evaluations
                               WHERE run_id = ?1 AND split = 'search' GROUP BY candidate_id) s ON s.candidate_id = c.candidate_id
                    LEFT JOIN (SELECT candidate_id, AVG(score) AS mean FROM evaluations
                               WHERE run_id = ?1 AND split = 'holdout' GROUP BY candidate_id) h ON h.candidate_id = c.candidate_id
                    WHERE c.run_id = ?1
                    ORDER BY c.created_at, c.rowid
                    """,
                arguments: [runID])
            return try rows.map { row in
                let candidate = try StoredCandidate.candidate(
                    componentsText: row["components_json"], parentsText: row["parents_json"], generator: row["generator"],
                    rationale: row["rationale"])
                return CandidateSummary(
                    id: row["candidate_id"], candidate: candidate,
                    searchScore: row["search_mean"], searchItems: row["search_n"], holdoutScore: row["holdout_mean"],
                    recordedAt: StoreCoding.date(row["created_at"]))
            }
        }
    }
}

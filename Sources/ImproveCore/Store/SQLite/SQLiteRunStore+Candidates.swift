import Foundation
import GRDB

extension SQLiteRunStore {
    public func candidates(runID: String) throws -> [CandidateSummary] {
        try pool.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [runID]) != nil else {
                throw StoreError.unknownRun(id: runID, store: path)
            }
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
                let components = try StoreCoding.json(row["components_json"] as String).objectValue?.compactMapValues(\.stringValue) ?? [:]
                let parents = try StoreCoding.json(row["parents_json"] as String).arrayValue?.compactMap(\.stringValue) ?? []
                return CandidateSummary(
                    id: row["candidate_id"],
                    candidate: Candidate(components: components, parents: parents, generator: row["generator"], rationale: row["rationale"]),
                    searchScore: row["search_mean"], searchItems: row["search_n"], holdoutScore: row["holdout_mean"],
                    recordedAt: StoreCoding.date(row["created_at"]))
            }
        }
    }
}

import Foundation
import ImproveCore
import PostgresNIO

extension PostgresRandomAccessRow {
    /// The column `name` decoded as `T`.
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self, context: .default)
    }

    /// The step's `state` column, typed: compared as a ``StepState``, never as text, and a value
    /// this version does not know is an unusable store (as in SQLite), not a state to guess.
    func stepState(in location: String) throws -> StepState {
        try StepState.stored(try value("state"), in: location)
    }
}

extension Sequence where Element == PostgresRow {
    /// Rows with access by column name.
    var named: [PostgresRandomAccessRow] { map { $0.makeRandomAccess() } }
}

/// Reading runs together with their ledger totals (SUMs cast back to BIGINT: PostgreSQL sums
/// integers into NUMERIC).
enum PostgresRunRows {
    static let select = """
        SELECT r.id, r.ordinal, r.dedupe_key, r.state, r.seed, r.profile_name, r.profile_hash, r.surface, r.generator,
               r.config_json, r.policy_json, r.result_json, r.failure, r.created_at, r.updated_at,
               COALESCE(l.input_tokens, 0)::BIGINT AS spent_input, COALESCE(l.output_tokens, 0)::BIGINT AS spent_output,
               COALESCE(l.cost, 0)::DOUBLE PRECISION AS spent_cost, COALESCE(l.paid, 0)::BIGINT AS paid_steps
        FROM runs r LEFT JOIN (
            SELECT run_id, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
                   SUM(cost) AS cost, COUNT(*) AS paid
            FROM ledger GROUP BY run_id
        ) l ON l.run_id = r.id
        """

    static func record(_ row: PostgresRandomAccessRow) throws -> RunRecord {
        let spec = RunSpec(
            dedupeKey: try row.value("dedupe_key"), seed: UInt64(try row.value("seed", as: String.self)) ?? 0,
            profileName: try row.value("profile_name"), profileHash: try row.value("profile_hash"),
            surface: try row.value("surface"), generator: try row.value("generator"),
            config: try StoreCoding.json(try row.value("config_json", as: String.self)),
            policy: try StoreCoding.json(try row.value("policy_json", as: String.self)))
        return RunRecord(
            id: try row.value("id"), spec: spec, state: RunState(rawValue: try row.value("state")) ?? .failed,
            result: try StoreCoding.json(try row.value("result_json", as: String?.self)), failure: try row.value("failure"),
            createdAt: Date(timeIntervalSince1970: try row.value("created_at")),
            updatedAt: Date(timeIntervalSince1970: try row.value("updated_at")),
            spent: Usage(inputTokens: try row.value("spent_input"), outputTokens: try row.value("spent_output"), cost: try row.value("spent_cost")),
            paidSteps: try row.value("paid_steps"))
    }
}

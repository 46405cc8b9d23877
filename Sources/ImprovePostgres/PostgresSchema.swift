import Foundation
import ImproveCore
import PostgresNIO

/// The tables of the PostgreSQL store: the SQLite store's schema in PostgreSQL's types, plus
/// what a shared queue needs (the `dispatch` column and its partial index).
///
/// Migrations are numbered and applied in order, each in the same transaction as the row that
/// records it, under a transaction-scoped advisory lock: two processes opening a fresh database
/// at once apply each migration exactly once, and a migration that fails leaves nothing behind.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: [String]
    }

    /// An arbitrary constant naming the advisory lock that serialises migrators.
    static let migrationLock: Int64 = 0x696D_7072_6F76_6531

    static let migrations: [Migration] = [
        Migration(version: 1, name: "schema", sql: [
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                ordinal BIGSERIAL NOT NULL,
                dedupe_key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,
                seed TEXT NOT NULL,
                profile_name TEXT NOT NULL,
                profile_hash TEXT NOT NULL,
                surface TEXT NOT NULL,
                generator TEXT NOT NULL,
                config_json TEXT NOT NULL,
                policy_json TEXT NOT NULL,
                result_json TEXT,
                failure TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX runs_updated ON runs (updated_at)",
            """
            CREATE TABLE attempts (
                id BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                worker_id TEXT NOT NULL,
                started_at DOUBLE PRECISION NOT NULL,
                ended_at DOUBLE PRECISION
            )
            """,
            "CREATE INDEX attempts_run ON attempts (run_id)",
            """
            CREATE TABLE steps (
                id BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                checkpoint TEXT NOT NULL,
                kind TEXT NOT NULL,
                signature_hash TEXT NOT NULL,
                signature_json TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
                dispatch TEXT,
                model TEXT,
                result_json BYTEA,
                error TEXT,
                worker_id TEXT,
                lease_expires_at DOUBLE PRECISION,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (run_id, checkpoint)
            )
            """,
            // Workers look only at queued steps that are not finished: a small, hot index.
            "CREATE INDEX steps_queue ON steps (id) WHERE dispatch IS NOT NULL AND state IN ('pending', 'running')",
            """
            CREATE TABLE ledger (
                id BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                checkpoint TEXT NOT NULL,
                step_id BIGINT NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                input_tokens BIGINT NOT NULL,
                output_tokens BIGINT NOT NULL,
                cost DOUBLE PRECISION NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                UNIQUE (run_id, checkpoint)
            )
            """,
            "CREATE INDEX ledger_created ON ledger (created_at)",
            """
            CREATE TABLE candidates (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                candidate_id TEXT NOT NULL,
                ordinal BIGSERIAL NOT NULL,
                components_json TEXT NOT NULL,
                parents_json TEXT NOT NULL,
                generator TEXT NOT NULL,
                rationale TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (run_id, candidate_id)
            )
            """,
            """
            CREATE TABLE evaluations (
                id BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                candidate_id TEXT NOT NULL,
                item_id TEXT NOT NULL,
                split TEXT NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                passed BOOLEAN,
                feedback TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                UNIQUE (run_id, candidate_id, item_id, split)
            )
            """,
            """
            CREATE TABLE events (
                sequence BIGSERIAL PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL,
                event_key TEXT,
                UNIQUE (run_id, event_key)
            )
            """,
            "CREATE INDEX events_run ON events (run_id, sequence)",
        ]),
    ]

    /// The newest version this build knows.
    static var latest: Int { migrations.map(\.version).max() ?? 0 }

    /// Checks, by reading only, that the database holds an improve store this build can read.
    ///
    /// - Throws: ``StoreOpeningError/noStore(location:)`` when it has no `improve_schema` table
    ///   (in the connection's schema); ``PostgresStoreError/newerSchema(location:version:known:)``
    ///   when a newer build migrated it.
    static func requireExisting(_ database: PostgresDatabase) async throws {
        let table = try await database.rows("SELECT to_regclass('improve_schema') IS NOT NULL AS found").named.first
        guard try table?.value("found", as: Bool.self) == true else {
            throw StoreOpeningError.noStore(location: database.location.description)
        }
        let newest = try await database.rows("SELECT COALESCE(MAX(version), 0)::BIGINT AS newest FROM improve_schema").named.first
        let version = try newest?.value("newest", as: Int.self) ?? 0
        if version > latest {
            throw PostgresStoreError.newerSchema(location: database.location.description, version: version, known: latest)
        }
    }

    /// Applies every migration the database lacks.
    ///
    /// - Throws: ``PostgresStoreError/newerSchema(location:version:known:)`` when the database
    ///   was migrated by a newer build.
    static func migrate(_ database: PostgresDatabase) async throws {
        try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: PostgresDatabase.silent)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS improve_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)",
                logger: PostgresDatabase.silent)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM improve_schema", logger: PostgresDatabase.silent).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > latest {
                throw PostgresStoreError.newerSchema(location: database.location.description, version: newest, known: latest)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: PostgresDatabase.silent)
                }
                try await connection.query(
                    "INSERT INTO improve_schema (version, name, applied_at) VALUES (\(migration.version), \(migration.name), \(Date().timeIntervalSince1970))",
                    logger: PostgresDatabase.silent)
            }
        }
    }
}

import GRDB

/// The tables of the SQLite store, as GRDB migrations.
///
/// Migration identifiers carry an `improve-` prefix so that a GRDB database written by another
/// program (which also has a `grdb_migrations` table) is recognised as foreign, not as ours.
enum StoreSchema {
    /// The first migration; its presence marks a file as an improve store.
    static let firstMigration = "improve-v1-schema"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(firstMigration) { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    dedupe_key TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL,
                    seed TEXT NOT NULL,              -- decimal UInt64: SQLite integers are signed
                    profile_name TEXT NOT NULL,
                    profile_hash TEXT NOT NULL,
                    surface TEXT NOT NULL,
                    generator TEXT NOT NULL,
                    config_json TEXT NOT NULL,
                    policy_json TEXT NOT NULL,
                    result_json TEXT,
                    failure TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX runs_updated ON runs(updated_at);

                CREATE TABLE attempts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    worker_id TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    ended_at REAL
                );
                CREATE INDEX attempts_run ON attempts(run_id);

                CREATE TABLE steps (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    checkpoint TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    signature_hash TEXT NOT NULL,
                    signature_json TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
                    result_json BLOB,
                    error TEXT,
                    worker_id TEXT,
                    lease_expires_at REAL,           -- seconds since 1970; only lease expiry reads it
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    UNIQUE (run_id, checkpoint)
                );

                CREATE TABLE ledger (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    checkpoint TEXT NOT NULL,
                    step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL,
                    cost REAL NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (run_id, checkpoint)
                );

                CREATE TABLE candidates (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    candidate_id TEXT NOT NULL,
                    components_json TEXT NOT NULL,
                    parents_json TEXT NOT NULL,
                    generator TEXT NOT NULL,
                    rationale TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (run_id, candidate_id)
                );

                CREATE TABLE evaluations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    candidate_id TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    split TEXT NOT NULL,
                    score REAL NOT NULL,
                    passed INTEGER,
                    feedback TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (run_id, candidate_id, item_id, split)
                );

                CREATE TABLE events (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    payload_json TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX events_run ON events(run_id, sequence);
                """)
        }
        // A resumed run replays its events; their deterministic keys keep each one stored once.
        migrator.registerMigration("improve-v2-event-keys") { db in
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN event_key TEXT;
                CREATE UNIQUE INDEX events_key ON events(run_id, event_key);
                """)
        }
        // A spend ceiling sums the ledger of the last window before every paid call; without an
        // index that is a scan of every row a nightly store ever wrote, growing night after night.
        migrator.registerMigration("improve-v3-ledger-time") { db in
            try db.execute(sql: "CREATE INDEX ledger_created ON ledger(created_at);")
        }
        return migrator
    }
}

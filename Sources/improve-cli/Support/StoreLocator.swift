import Foundation
import ImproveCore
import ImprovePostgres
import ImproveSQLite

/// Opening the store a `--store` value names: a `postgres://user@host:port/database` address is
/// the shared PostgreSQL store (password from `PGPASSWORD`), anything else a SQLite file path.
enum StoreLocator {
    /// The refusal of `--distributed` with a SQLite store, and the fix.
    static let distributedNeedsPostgres =
        "--distributed needs a PostgreSQL store that workers share: --store postgres://user@host:port/database (see `improve-cli worker --help`)"

    /// True when `value` names a PostgreSQL store.
    static func isPostgres(_ value: String?) -> Bool {
        value.map(PostgresLocation.isPostgresAddress) ?? false
    }

    /// The store for a command that writes: a SQLite file is created when missing; either
    /// backend is migrated.
    ///
    /// - Parameter distributed: enqueue model calls for `improve-cli worker` processes instead
    ///   of calling models here (PostgreSQL only).
    static func open(_ value: String, leaseDuration: TimeInterval, distributed: Bool) async throws -> any RunStore {
        if PostgresLocation.isPostgresAddress(value) {
            return try await PostgresRunStore.open(
                try PostgresLocation(parsing: value), leaseDuration: leaseDuration, dispatch: distributed ? [.modelCall] : [])
        }
        guard !distributed else {
            throw CommandLineFailure(distributedNeedsPostgres)
        }
        return try SQLiteRunStore(path: value, leaseDuration: leaseDuration)
    }

    /// The path the profile lock's directory is derived from: the SQLite file, or for a
    /// PostgreSQL store a fixed name under `.improve/` (the lock is a file lock on this machine).
    static func lockAnchor(_ value: String) -> String {
        isPostgres(value) ? ".improve/postgres" : value
    }
}

import ImproveCore
import ImprovePostgres
import ImproveSQLite

extension StoreSchemes {
    /// The backends `--store` offers: a `postgres://user@host:port/database` address is the
    /// shared PostgreSQL store (password from `PGPASSWORD`), a plain path a SQLite file. Every
    /// command opens its store through this list, for writing or read-only.
    static var cli: StoreSchemes {
        StoreSchemes([PostgresStoreScheme(), SQLiteStoreScheme()])
    }

    /// The store the inspection commands (`runs`, `show`, `report`) read without `--store`.
    static var defaultReadAddress: String { SQLiteRunStore.defaultPath }
}

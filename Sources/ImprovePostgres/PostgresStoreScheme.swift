import Foundation
import ImproveCore

/// The PostgreSQL backend as a `--store` address names it: `postgres://user@host:port/database`
/// (or `postgresql://`), the password read from `PGPASSWORD` when the store opens.
///
/// An address that carries a password is refused, with the password replaced in the message.
/// A read-only opening connects and checks that the database holds an improve store, without
/// creating or migrating anything.
public struct PostgresStoreScheme: StoreScheme {
    /// Where `PGPASSWORD` is read from.
    public var environment: [String: String]
    /// The schema the store lives in inside its database; nil for the server's default
    /// (`public`). See ``PostgresRunStore/open(_:environment:leaseDuration:connections:dispatch:schema:redactor:)``.
    public var schema: String?

    /// The scheme, reading the password from `environment` and using `schema` (nil: `public`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, schema: String? = nil) {
        self.environment = environment
        self.schema = schema
    }

    /// `PostgreSQL`.
    public var name: String { "PostgreSQL" }

    /// `postgres://user@host:port/database`.
    public var addressForm: String { "postgres://user@host:port/database" }

    /// True: workers on any machine that reaches the database serve a distributed run.
    public var dispatchesToWorkers: Bool { true }

    /// True for `postgres://` and `postgresql://` addresses.
    public func claims(_ address: String) -> Bool {
        PostgresLocation.isPostgresAddress(address)
    }

    /// A ``PostgresRunStore`` at `address`, migrated as needed; a distributed opening enqueues
    /// the run's model calls for `improve-cli worker` processes.
    ///
    /// - Throws: ``PostgresStoreError/badAddress(_:fix:)`` (a password in the address is not
    ///   repeated), or the server's refusal.
    public func openForWriting(_ address: String, options: StoreOpenOptions) async throws -> any RunStore {
        try await PostgresRunStore.open(
            try PostgresLocation(parsing: address), environment: environment, leaseDuration: options.leaseDuration,
            dispatch: options.distributed ? [.modelCall] : [], schema: schema)
    }

    /// A ``PostgresRunStore`` on the existing store at `address`; nothing is created or migrated.
    ///
    /// - Throws: ``StoreOpeningError/noStore(location:)`` when the database holds no improve
    ///   store, ``PostgresStoreError`` for a bad address, an unreachable server or a newer schema.
    public func openReadOnly(_ address: String) async throws -> any RunStore {
        try await PostgresRunStore.openExisting(try PostgresLocation(parsing: address), environment: environment, schema: schema)
    }

    /// `.improve/postgres` under the working directory: a file lock cannot live in the server,
    /// so every PostgreSQL store shares one lock directory on this machine.
    public func lockAnchor(for address: String) -> String {
        ".improve/postgres"
    }
}

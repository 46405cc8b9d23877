import Foundation

/// Where a PostgreSQL store lives: `postgres://user@host:port/database`, parsed from `--store`.
///
/// The password never appears in the address (it would land in shell history, `ps` output,
/// the run's stored configuration and every message that names the store): it is read from
/// `PGPASSWORD` when the store opens, as `psql` does.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// The login role.
    public var user: String
    /// Host name or IP address of the server.
    public var host: String
    /// TCP port (5432 when the address names none).
    public var port: Int
    /// The database (one per store; every run of the store lives in it).
    public var database: String

    /// A location from its parts.
    public init(user: String, host: String, port: Int = 5432, database: String) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
    }

    /// True for `postgres://` and `postgresql://` addresses: what `--store` routes to this backend.
    public static func isPostgresAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `postgres://user@host[:port]/database` (port 5432 when omitted).
    ///
    /// - Throws: ``PostgresStoreError/badAddress(_:fix:)`` naming what is wrong, including an
    ///   address that carries a password (the password is not echoed back).
    public init(parsing text: String) throws {
        guard Self.isPostgresAddress(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError.badAddress(Self.withoutPassword(text), fix: "write it as postgres://user@host:port/database")
        }
        if components.password != nil {
            throw PostgresStoreError.badAddress(
                Self.withoutPassword(text), fix: "remove the password from the address and export PGPASSWORD instead")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreError.badAddress(text, fix: "name the user: postgres://user@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.badAddress(text, fix: "name the host: postgres://user@host:port/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreError.badAddress(text, fix: "name one database after the host: postgres://user@host:port/database")
        }
        if let query = components.query, !query.isEmpty {
            throw PostgresStoreError.badAddress(text, fix: "remove the options after `?`; only user, host, port and database are read")
        }
        self.user = user
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
    }

    /// The address without a password: safe for messages, logs and stored configuration.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// `text` with anything between `//user:` and `@` replaced, for an error about an address
    /// that should not have carried a password.
    static func withoutPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":[REDACTED]" + String(text[at...])
    }
}

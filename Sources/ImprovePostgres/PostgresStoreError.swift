import Foundation

/// Errors of the PostgreSQL store that the backend-neutral ``StoreError`` does not cover.
public enum PostgresStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `--store` is not a usable `postgres://` address.
    case badAddress(String, fix: String)
    /// The server could not be reached or refused the login.
    case unreachable(location: String, reason: String)
    /// A statement failed for a reason retrying does not cure.
    case query(location: String, reason: String)
    /// The database holds a newer schema than this build knows.
    case newerSchema(location: String, version: Int, known: Int)

    /// The message, naming the store and the fix.
    public var description: String {
        switch self {
        case .badAddress(let address, let fix):
            return "--store \(address) is not a usable PostgreSQL address: \(fix)"
        case .unreachable(let location, let reason):
            return "cannot use the PostgreSQL store \(location): \(reason) (is the server running, and is PGPASSWORD exported?)"
        case .query(let location, let reason):
            return "the PostgreSQL store \(location) failed: \(reason)"
        case .newerSchema(let location, let version, let known):
            return "the PostgreSQL store \(location) has schema version \(version), but this improve-cli knows only up to \(known); upgrade improve-cli"
        }
    }
}

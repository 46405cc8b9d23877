import Foundation

/// The convention for tests that need PostgreSQL (scripts/postgres): skip cleanly when
/// `IMPROVE_PG_URL` is unset, fail when `IMPROVE_REQUIRE_POSTGRES=1` (scripts/test sets it) and
/// the address is missing, the same way `IMPROVE_REQUIRE_LIVE` works for the live model.
///
/// ```swift
/// @Suite(.enabled(if: PostgresTestServer.shouldRun))
/// struct Tests {
///     @Test func works() async throws {
///         let url = try PostgresTestServer.require()
///         ...
///     }
/// }
/// ```
public enum PostgresTestServer {
    /// `postgres://user@host:port/db` from `IMPROVE_PG_URL` (the password is in `PGPASSWORD`).
    public static var url: String? {
        guard let text = ProcessInfo.processInfo.environment["IMPROVE_PG_URL"], !text.isEmpty else { return nil }
        return text
    }

    /// True when `IMPROVE_REQUIRE_POSTGRES=1`: a missing server is a failure, not a skip.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["IMPROVE_REQUIRE_POSTGRES"] == "1" }

    /// Whether a PostgreSQL test should run at all (use with `.enabled(if:)`): configured or required.
    public static var shouldRun: Bool { url != nil || isRequired }

    /// The address; throws ``PostgresUnavailable`` when it is required but not set.
    public static func require() throws -> String {
        guard let url else {
            throw PostgresUnavailable(reason: "IMPROVE_REQUIRE_POSTGRES=1 but IMPROVE_PG_URL is not set; run `eval \"$(scripts/postgres start)\"`")
        }
        return url
    }
}

/// PostgreSQL was required (`IMPROVE_REQUIRE_POSTGRES=1`) but is not there.
public struct PostgresUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "PostgreSQL unavailable: \(reason)" }
}

import Foundation
import ImproveCore
import ImprovePostgres
import ImproveTestSupport
import Testing

/// The backend-neutral store contract (``StoreContract``) on PostgreSQL: each check in a fresh
/// schema of the test database, each handle its own connection pool, as separate processes
/// (or machines) would have.
@Suite("Store contract: PostgreSQL", .enabled(if: PostgresTestServer.shouldRun, "IMPROVE_PG_URL is not set; start PostgreSQL with scripts/postgres"))
struct PostgresContractTests {
    @Test(arguments: StoreContract.checks)
    func postgres(_ check: StoreContract.Check) async throws {
        try await check.run(on: freshPostgresDatabase)
    }
}

/// A new schema on the test server: an empty store that lives as long as the database.
@Sendable func freshPostgresDatabase() async throws -> StoreContract.Opener {
    let location = try PostgresLocation(parsing: try PostgresTestServer.require())
    let schema = freshSchemaName()
    return { lease in try await PostgresRunStore.open(location, leaseDuration: lease, schema: schema) }
}

/// A schema name no other test uses.
func freshSchemaName() -> String {
    "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
}

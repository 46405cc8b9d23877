import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// The backend-neutral store contract (``StoreContract``) on SQLite: each check on a fresh file,
/// each handle its own connection pool, as separate processes would have.
@Suite("Store contract: SQLite")
struct StoreContractTests {
    @Test(arguments: StoreContract.checks)
    func sqlite(_ check: StoreContract.Check) async throws {
        try await check.run(on: freshSQLiteDatabase)
    }
}

/// A new store file in a temporary directory that lives as long as the opener.
@Sendable func freshSQLiteDatabase() async throws -> StoreContract.Opener {
    let directory = try TemporaryDirectory()
    let path = directory.path("contract.sqlite")
    return { lease in
        _ = directory
        return try SQLiteRunStore(path: path, leaseDuration: lease)
    }
}

import Foundation
import ImproveCore
import ImprovePostgres
import ImproveSQLite
import ImproveTestSupport
import Testing

/// Opening a store from its address through the registry the CLI uses (PostgreSQL addresses,
/// else SQLite files). These need no server.
@Suite("Store schemes: addresses")
struct StoreSchemesTests {
    let schemes = StoreSchemes([PostgresStoreScheme(environment: [:]), SQLiteStoreScheme()])

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-schemes-\(UUID().uuidString)")
    }

    @Test(arguments: [
        ("postgres://improve@127.0.0.1:5432/runs", "PostgreSQL"), ("postgresql://u@db.example/x", "PostgreSQL"),
        (".improve/improve.sqlite", "SQLite"), ("/var/lib/improve/store.sqlite", "SQLite"), ("store", "SQLite"),
    ])
    func anAddressPicksItsScheme(address: String, backend: String) throws {
        #expect(try schemes.scheme(for: address).name == backend)
    }

    @Test func anUnknownSchemeIsRefusedWithoutWhatFollowsIt() {
        #expect {
            _ = try schemes.scheme(for: "mysql://root:hunter2secret@db/runs")
        } throws: { error in
            let text = String(describing: error)
            return error as? StoreOpeningError == .unclaimed(address: "mysql://…", known: ["postgres://user@host:port/database", "a SQLite file path"])
                && !text.contains("hunter2secret")
        }
    }

    @Test func readOnlyOpeningOfAMissingFileThrowsAndCreatesNothing() async throws {
        let directory = Self.temporaryDirectory()
        let path = directory.appendingPathComponent("nested/improve.sqlite").path
        await #expect(throws: StoreOpeningError.noStore(location: path)) { _ = try await schemes.openReadOnly(path) }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(
            String(describing: StoreOpeningError.noStore(location: path))
                == "no improve store at \(path): nothing has been run with this store yet (`improve-cli run` creates it); pass --store PATH to read another one")
    }

    @Test func openingForWritingCreatesTheFileAndReadOnlyThenFindsIt() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("improve.sqlite").path
        let written = try await schemes.openForWriting(path, options: StoreOpenOptions(leaseDuration: 5))
        #expect((written as? SQLiteRunStore)?.leaseDuration == 5)
        let read = try await schemes.openReadOnly(path)
        #expect(read.location == path)
        #expect(try await read.listRuns(limit: 1).isEmpty)
    }

    @Test func aPasswordInAPostgresAddressIsRefusedRedacted() async {
        let address = "postgres://improve:hunter2secret@127.0.0.1:5432/runs"
        for open in [{ try await schemes.openReadOnly(address) }, { try await schemes.openForWriting(address) }] as [@Sendable () async throws -> any RunStore] {
            await #expect {
                _ = try await open()
            } throws: { error in
                let text = String(describing: error)
                return error is PostgresStoreError && !text.contains("hunter2secret") && text.contains("[REDACTED]") && text.contains("PGPASSWORD")
            }
        }
    }

    @Test func aDistributedRunNeedsAStoreWorkersShare() async throws {
        let directory = Self.temporaryDirectory()
        let path = directory.appendingPathComponent("improve.sqlite").path
        #expect(!schemes.dispatchesToWorkers(path))
        #expect(schemes.dispatchesToWorkers("postgres://improve@127.0.0.1/runs"))
        await #expect {
            _ = try await schemes.openForWriting(path, options: StoreOpenOptions(distributed: true))
        } throws: { error in
            String(describing: error)
                == "--distributed needs a PostgreSQL store that workers share: --store postgres://user@host:port/database (see `improve-cli worker --help`)"
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test func lockAnchors() throws {
        #expect(try schemes.lockAnchor(for: "runs/a.sqlite") == "runs/a.sqlite")
        #expect(try schemes.lockAnchor(for: "postgres://improve@127.0.0.1/runs") == ".improve/postgres")
        #expect(throws: StoreOpeningError.self) { try schemes.lockAnchor(for: "redis://h/0") }
    }
}

/// Read-only opening on a server: an empty database is reported, not migrated.
@Suite("Store schemes: PostgreSQL read-only", .enabled(if: PostgresTestServer.shouldRun, "IMPROVE_PG_URL is not set; start PostgreSQL with scripts/postgres"))
struct PostgresReadOnlyTests {
    @Test func readOnlyOpeningOfAnEmptyDatabaseThrowsAndMigratesNothing() async throws {
        let address = try PostgresTestServer.require()
        let scheme = PostgresStoreScheme(schema: freshSchemaName())
        let location = try PostgresLocation(parsing: address).description
        for _ in 0..<2 {
            await #expect(throws: StoreOpeningError.noStore(location: location)) { _ = try await scheme.openReadOnly(address) }
        }
        let written = try await scheme.openForWriting(address, options: StoreOpenOptions())
        _ = try await written.openRun(try uniqueSpec("read-only"), workerID: "w")
        (written as? PostgresRunStore)?.close()
        let read = try await scheme.openReadOnly(address)
        defer { (read as? PostgresRunStore)?.close() }
        #expect(try await read.listRuns(limit: 10).count == 1)
    }
}

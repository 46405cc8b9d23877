import Foundation
import ImproveTestSupport
import Testing

/// `--store` and `--providers` as a user mistypes them: each command refuses with the message
/// of the library's store registry or provider search, exits 1 and leaves the working
/// directory as it was.
struct StoreAddressFlagsTests {
    @Test func inspectingAMissingStoreNamesItAndCreatesNothing() async throws {
        for command in [["runs", "--store", "absent/improve.sqlite"], ["show", "run-0", "--store", "absent/improve.sqlite"]] {
            try await BadInputTests.expectRefusal(
                command, mentions: ["no improve store at ", "/absent/improve.sqlite: nothing has been run with this store yet (`improve-cli run` creates it)"]
            ) { _ in }
        }
    }

    @Test func anAddressNoBackendClaimsIsRefusedBeforeTheLockWithoutItsPassword() async throws {
        let result = try await BadInputTests.expectRefusal(
            ["run", "PROFILE", "--store", "mysql://root:hunter2secret@db/runs"],
            mentions: ["--store mysql://… names no store backend this build has; write postgres://user@host:port/database or a SQLite file path"]
        ) { _ in }
        #expect(!result.stderr.contains("hunter2secret"))
    }

    @Test func evalRefusesAProvidersFileThatIsNotThere() async throws {
        try await BadInputTests.expectRefusal(
            ["eval", "PROFILE", "--providers", "typo.yaml"], mentions: ["typo.yaml: no such file (pass the path of a providers.yaml)"]
        ) { _ in }
    }
}

import Foundation
import ImproveTestSupport
import Testing

/// `--distributed` needs a store that workers share: with a SQLite file it is refused before
/// anything (a lock directory, a store file) is made.
struct DistributedFlagTests {
    @Test func distributedWithASQLiteStoreIsRefusedWithNoSideEffects() async throws {
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let result = try await CLIProcess.run(["run", profile.path, "--distributed", "--budget", "64"], in: work)
        #expect(result.status == 64, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("--distributed needs a PostgreSQL store"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(".improve").path))
    }
}

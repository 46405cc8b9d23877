import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// `scripts/nightly` against the embedded local model: fired twice in one window, it pays once.
/// A trimmed copy of the sentiment profile (24 phrases) keeps it short on a busy machine.
@Suite(.enabled(if: LiveModel.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"), .serialized)
struct LiveNightlyTests {
    @Test(.timeLimit(.minutes(3)))
    func theNightlyScriptFiredTwiceInOneWindowPaysOnce() async throws {
        guard try await LiveModel.requireOrSkip() != nil else {
            throw LiveModelUnavailable(reason: "the live model at \(LiveModel.baseURL?.absoluteString ?? "(unset)") does not answer GET /models")
        }
        let profile = try Fixtures.copyOfProfile("sentiment")
        let data = profile.appendingPathComponent("sst2.jsonl")
        let lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").prefix(24)
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let work = try Fixtures.temporaryDirectory("live-nightly")
        let env = [
            "IMPROVE_CLI": try CLIProcess.executable("improve-cli").path, "IMPROVE_NOW": "2026-11-30T02:00:00Z",
            "NIGHTLY_ARGS": "--budget 30", "IMPROVE_STORE": "store.sqlite", "NIGHTLY_OUT": "nightly",
        ]

        let first = try await Self.nightly(profile.deletingLastPathComponent(), in: work, environment: env)
        #expect(first == 0, "\(Self.log(work))")
        let paid = try await Self.paidCalls(in: work)
        #expect(paid > 0)

        let second = try await Self.nightly(profile.deletingLastPathComponent(), in: work, environment: env)
        #expect(second == 0, "\(Self.log(work))")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: work.appendingPathComponent("nightly/sentiment.json")))
        #expect(outcome["joinedExistingRun"] == true)
        #expect(try await Self.paidCalls(in: work) == paid, "the second firing paid for nothing")
        print("live nightly: \(paid) paid calls on the first firing, 0 on the second")
    }

    static func nightly(_ profiles: URL, in work: URL, environment: [String: String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Fixtures.repositoryRoot.appendingPathComponent("scripts/nightly").path, profiles.path]
        process.currentDirectoryURL = work
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return await offCooperativePool {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Ledger rows of every run in the store (`improve-cli runs --since`).
    static func paidCalls(in work: URL) async throws -> Int {
        let store = try SQLiteRunStore(path: work.appendingPathComponent("store.sqlite").path, mode: .readOnly)
        return try await store.ledgerTotals(since: .distantPast).calls
    }

    static func log(_ work: URL) -> String {
        (try? String(contentsOf: work.appendingPathComponent("nightly/sentiment.log"), encoding: .utf8)) ?? ""
    }
}

import Foundation
import Improve
import ImproveCore
import ImproveTestSupport
import Testing

/// A live `improve-cli run` recorded to a cassette, then run again offline from the cassette
/// alone (the model URL points at a closed port, the store is new): the audit must carry the
/// same candidates, holdout scores, statistics and verdict, and say that it was a replay.
@Suite("Live run replayed from its cassette", .enabled(if: LiveModel.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"))
struct LiveReplayTests {
    static func audit(at path: String) throws -> AuditRecord {
        try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func aRecordedRunReplaysOfflineToTheSameAudit() async throws {
        guard let live = try await LiveModel.requireOrSkip() else { return }
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let cassette = work.appendingPathComponent("run.cassette.jsonl").path

        func run(_ mode: String, store: String, out: String, baseURL: String) async throws -> (CLIProcess.Result, JSONValue?) {
            let result = try await CLIProcess.run(
                ["run", profile.path, "--budget", "90", "--store", store, "--out", out, "--cassette", cassette, "--cassette-mode", mode, "--json"],
                in: work, environment: ["IMPROVE_BASE_URL": baseURL])
            return (result, try? JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8)))
        }

        let (recorded, recordedOutcome) = try await run("record", store: "recorded.sqlite", out: "recorded", baseURL: live.absoluteString)
        try #require([0, 3, 4].contains(recorded.status), "recording run failed: \(recorded.stderr)")
        // Nothing listens on port 9 (discard): any call that missed the cassette would fail the run.
        let (replayed, replayedOutcome) = try await run("replay", store: "replayed.sqlite", out: "replayed", baseURL: "http://127.0.0.1:9/v1")
        #expect(replayed.status == recorded.status, "replay stderr: \(replayed.stderr)")

        let original = try Self.audit(at: try #require(recordedOutcome?["auditRecord"]?.stringValue))
        let replay = try Self.audit(at: try #require(replayedOutcome?["auditRecord"]?.stringValue))
        #expect(!original.usedStubOrReplay)
        #expect(replay.usedStubOrReplay)
        #expect(replay.holdout == original.holdout)
        #expect(replay.candidates == original.candidates)
        #expect(replay.proposals == original.proposals)
        #expect(replay.gate == original.gate)
        #expect(replay.verdict == original.verdict)
        #expect(replay.winnerHash == original.winnerHash)
        #expect(replay.diff == original.diff)
        #expect(replay.usage.total.inputTokens == original.usage.total.inputTokens)
        print("LIVE replay: verdict \(original.verdict), \(original.holdout.baseline.count) holdout pairs, \(original.candidates.count) candidates, identical offline")
    }
}

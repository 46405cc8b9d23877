import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// A spend ceiling across runs, read from the store's ledger before every paid call.
@Suite(.serialized) struct SpendCeilingTests {
    @Test(.timeLimit(.minutes(3)))
    func theCeilingStopsPaidCallsResumablyAndRaisingItFinishesWithoutRepeats() async throws {
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let responder = ClassifierStub.formatSensitive(labels: labels)

        // The reference: the same run without a ceiling.
        let referenceRun = try await ReferenceRun.sentiment(responder: responder)
        let reference = referenceRun.result
        let referenceCounts = referenceRun.countsByBodyHash
        let referenceTotal = referenceRun.totalRequests

        // Each stub answer is 10 tokens (7 in, 3 out): 300 tokens allow 30 paid calls.
        let server = try await StubModelServer.start(responder: responder)
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let arguments = ["run", profile.path, "--store", "store.sqlite", "--budget", "140", "--json"]
        let stopped = try await CLIProcess.run(arguments + ["--spend-ceiling", "300tokens", "--spend-window", "24h"], in: work, environment: env)
        #expect(stopped.status == 5, "stderr: \(stopped.stderr)")
        #expect(stopped.stderr.contains("spend ceiling reached"), "\(stopped.stderr)")
        let paidUnderCeiling = server.completionRequests.count
        // Calls that passed the check together may overshoot by the provider's concurrency (2).
        #expect(paidUnderCeiling >= 30 && paidUnderCeiling <= 32, "\(paidUnderCeiling) paid calls under a 30-call ceiling")
        #expect(paidUnderCeiling < referenceTotal)

        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        let run = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue?.first)
        #expect(run["state"] == "interrupted")
        #expect(run["failure"]?.stringValue?.contains("spend ceiling reached") == true, "the stop reason is named in the store")

        // The same command again: the window is still full, so nothing is paid.
        let stillStopped = try await CLIProcess.run(arguments + ["--spend-ceiling", "300tokens"], in: work, environment: env)
        #expect(stillStopped.status == 5, "stderr: \(stillStopped.stderr)")
        #expect(server.completionRequests.count == paidUnderCeiling)

        // Raised: the run finishes, and no call that completed is paid again.
        let finished = try await CLIProcess.run(arguments + ["--spend-ceiling", "100000tokens"], in: work, environment: env)
        await server.stop()
        #expect(finished.status == reference.status, "stderr: \(finished.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(finished.stdout.utf8))
        #expect(outcome["runID"] == run["id"])
        #expect(outcome["winnerID"] == (try JSONDecoder().decode(JSONValue.self, from: Data(reference.stdout.utf8)))["winnerID"])
        let repeated = server.countsByBodyHash.reduce(0) { $0 + max(0, $1.value - (referenceCounts[$1.key] ?? 0)) }
        print("spend ceiling: \(paidUnderCeiling) calls before the stop, \(server.completionRequests.count) in all vs \(referenceTotal) uninterrupted, \(repeated) repeated")
        #expect(repeated == 0, "\(repeated) completed calls were paid again")
        #expect(server.completionRequests.count == referenceTotal)
    }
}

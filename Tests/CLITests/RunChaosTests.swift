import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `kill -9` of `improve-cli run` at seeded-random points: the resumed run must reach the same
/// verdict and winner as an uninterrupted one, and never pay twice for a completed call.
@Suite(.serialized) struct RunChaosTests {
    @Test
    func killedRunsResumeToTheSameResultWithoutPayingTwice() async throws {
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let responder = ClassifierStub.formatSensitive(labels: labels, delay: .milliseconds(3))

        // The reference: one uninterrupted run.
        let referenceRun = try await ReferenceRun.sentiment(responder: responder)
        let reference = referenceRun.result
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(reference.stdout.utf8))
        let referenceCounts = referenceRun.countsByBodyHash
        let referenceTotal = referenceRun.totalRequests

        // The same run, killed again and again.
        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(responder))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "2"]
        var rng = SeededRandom(seed: 42)
        var kills = 0
        var target = 0
        while kills < 6 {
            target += 5 + Int(rng.next() % UInt64(max(1, referenceTotal / 10)))
            guard target < referenceTotal - 5 else { break }
            let child = try CLIProcess(["run", profile.path, "--store", "store.sqlite", "--budget", "140", "--json"], in: work, environment: env)
            // The stub kills the child when its `target`-th request arrives (counted over all lives).
            killSwitch.arm(pid: child.process.processIdentifier, afterRequests: target - server.completionRequests.count)
            let ended = await child.wait()
            killSwitch.disarm()
            guard ended.signalled else { break }
            kills += 1
        }
        let final = try await CLIProcess.run(["run", profile.path, "--store", "store.sqlite", "--budget", "140", "--json"], in: work, environment: env)
        await server.stop()

        #expect(kills >= 4, "the run finished before enough kills: \(kills)")
        #expect(final.status == reference.status, "stderr: \(final.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(final.stdout.utf8))
        #expect(outcome["verdict"] == expected["verdict"])
        #expect(outcome["winnerID"] == expected["winnerID"])
        #expect(outcome["winnerHoldoutMean"] == expected["winnerHoldoutMean"])
        // A call may be paid again only if it was in flight when its process was killed:
        // at most `concurrency` (2) per kill. Everything completed before a kill replays.
        let extra = server.countsByBodyHash.reduce(0) { $0 + max(0, $1.value - (referenceCounts[$1.key] ?? 0)) }
        print("cli chaos: \(kills) SIGKILLs, \(server.completionRequests.count) requests vs \(referenceTotal) uninterrupted, \(extra) repeated")
        #expect(extra <= kills * 2, "\(extra) repeated paid calls over \(kills) kills")
        #expect(server.completionRequests.count <= referenceTotal + kills * 2)
        // `show` flags every repeated call: each was re-claimed after the kill that cut it short.
        let runID = try #require(outcome["runID"]?.stringValue)
        let shown = try await CLIProcess.run(["show", runID, "--store", "store.sqlite", "--json"], in: work)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let summary = try decoder.decode(RunSummary.self, from: Data(shown.stdout.utf8))
        #expect(summary.reattemptedPaidSteps >= extra, "\(summary.reattemptedPaidSteps) re-claimed paid steps")
        print("cli chaos: show flags \(summary.reattemptedPaidSteps) re-claimed paid steps")
    }
}

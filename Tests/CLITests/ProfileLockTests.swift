import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// One improving process per profile: real `improve-cli` processes racing for one profile and
/// one store, synchronised on what the model server and the children's logs show, never on sleeps.
@Suite(.serialized) struct ProfileLockTests {
    static func labels() throws -> [String: String] {
        try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
    }

    @Test(.timeLimit(.minutes(3)))
    func aSecondRunExitsSevenNamingTheHolderAndAWaitingOneJoinsItsResult() async throws {
        let gate = RequestGate()
        let server = try await StubModelServer.start(responder: gate.holding(ClassifierStub.formatSensitive(labels: try Self.labels())))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let arguments = ["run", profile.path, "--store", "store.sqlite", "--budget", "120", "--json"]
        let cli = try CLIProcess.executable("improve-cli")

        let first = try FileLoggedProcess(executable: cli, arguments, in: work, environment: env, label: "first", onExit: { gate.abandon() })
        // The first run is inside its first paid call: it holds the lock.
        await gate.firstArrival()
        try #require(first.process.isRunning, "the first run ended early: \(first.stderr)")

        let refused = try await CLIProcess.run(arguments, in: work, environment: env)
        #expect(refused.status == 7, "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains("pid \(first.process.processIdentifier)"), "\(refused.stderr)")
        #expect(refused.stderr.contains(ProcessInfo.processInfo.hostName))
        #expect(refused.stderr.contains("since "))
        #expect(refused.stderr.contains("run run-"), "the holder's run id: \(refused.stderr)")
        #expect(refused.stdout.isEmpty)

        let waiting = try FileLoggedProcess(executable: cli, arguments + ["--wait"], in: work, environment: env, label: "waiting")
        try await waiting.waitForStderr(containing: "waiting for pid \(first.process.processIdentifier)")
        let requestsWhileLocked = server.completionRequests.count
        gate.open()

        let firstStatus = await first.wait()
        let paidByFirst = server.completionRequests.count
        let waitingStatus = await waiting.wait()
        await server.stop()

        #expect(firstStatus == 0 || firstStatus == 3, "stderr: \(first.stderr)")
        #expect(waitingStatus == firstStatus, "stderr: \(waiting.stderr)")
        #expect(requestsWhileLocked <= 2, "only the holder's calls in flight reached the server")
        let firstOutcome = try JSONDecoder().decode(JSONValue.self, from: Data(first.stdout.utf8))
        let joined = try JSONDecoder().decode(JSONValue.self, from: Data(waiting.stdout.utf8))
        #expect(joined["runID"] == firstOutcome["runID"])
        #expect(joined["joinedExistingRun"] == true)
        #expect(server.completionRequests.count == paidByFirst, "the waiting run paid for nothing")
    }

    @Test(.timeLimit(.minutes(3)))
    func aRunKilledWithSigkillIsTakenOverAndResumedAtOnce() async throws {
        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(ClassifierStub.formatSensitive(labels: try Self.labels())))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        // Leases far longer than the time limit: the takeover must not wait for the dead holder's
        // claims to lapse, it reclaims them as the same per-profile worker.
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "900"]
        let arguments = ["run", profile.path, "--store", "store.sqlite", "--budget", "140", "--json"]

        let victim = try CLIProcess(arguments, in: work, environment: env)
        killSwitch.arm(pid: victim.process.processIdentifier, afterRequests: 25)
        let killed = await victim.wait()
        #expect(killed.signalled, "the first run was not killed: \(killed.stderr)")

        let successor = try await CLIProcess.run(arguments, in: work, environment: env)
        await server.stop()
        #expect(successor.status == 0 || successor.status == 3, "stderr: \(successor.stderr)")
        #expect(successor.stderr.contains("took over the lock"), "\(successor.stderr)")
        #expect(successor.stderr.contains("pid \(victim.process.processIdentifier)"))
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(successor.stdout.utf8))
        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        let listed = try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue ?? []
        #expect(listed.count == 1, "the successor resumed the killed run rather than starting another")
        #expect(listed.first?["id"] == outcome["runID"])
        // Only calls in flight at the kill (concurrency 2) may be paid twice.
        let repeated = server.countsByBodyHash.values.reduce(0) { $0 + max(0, $1 - 1) }
        #expect(repeated <= 2, "\(repeated) repeated paid calls")
    }
}

import Foundation
import ImproveCore
import ImprovePostgres
import ImproveTestSupport
import Testing

/// `improve-cli run` on a PostgreSQL store, in one process and distributed over worker
/// processes: the same verdict, winner and holdout score as the SQLite run on the same seed.
@Suite(.serialized, .enabled(if: PostgresTestServer.shouldRun, "IMPROVE_PG_URL is not set; start PostgreSQL with scripts/postgres"))
struct PostgresRunTests {
    /// Compares the outcomes that must not depend on the store or on who ran the calls.
    private func expectSameOutcome(_ result: CLIProcess.Result, as reference: CLIProcess.Result, _ label: String) throws {
        #expect(result.status == reference.status, "\(label): stderr \(result.stderr)")
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(reference.stdout.utf8))
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        #expect(outcome["verdict"] == expected["verdict"], "\(label)")
        #expect(outcome["winnerID"] == expected["winnerID"], "\(label)")
        #expect(outcome["winnerHoldoutMean"] == expected["winnerHoldoutMean"], "\(label)")
        #expect(outcome["baselineHoldoutMean"] == expected["baselineHoldoutMean"], "\(label)")
    }

    /// A dedupe key of its own: the test database outlives a test run, and a second run with
    /// the same inputs would join the first and replay it.
    private func freshKey() -> String { "pg-test/\(UUID().uuidString)" }

    private func startWorkers(_ count: Int, url: String, runID: String, in work: URL, environment: [String: String]) throws -> [CLIProcess] {
        try (0..<count).map { index in
            try CLIProcess(["worker", "--store", url, "--run", runID, "--concurrency", "4", "--worker-id", "test-worker-\(index)"], in: work, environment: environment)
        }
    }

    /// Every model call of the run was completed by a worker process, none by the coordinator.
    private func expectModelCallsRanOnWorkers(url: String, runID: String) async throws {
        let store = try await PostgresRunStore.open(try PostgresLocation(parsing: url))
        defer { store.close() }
        let calls = try await store.steps(runID: runID).filter { $0.kind == StepKind.modelCall.rawValue }
        #expect(!calls.isEmpty)
        #expect(calls.allSatisfy { $0.state == "completed" && ($0.workerID ?? "").hasPrefix("test-worker-") })
    }

    @Test func runsOnPostgresInOneProcessAndDistributedMatchTheSQLiteRun() async throws {
        let url = try PostgresTestServer.require()
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let responder = ClassifierStub.formatSensitive(labels: labels, delay: .milliseconds(3))
        let reference = try await ReferenceRun.sentiment(responder: responder)

        let server = try await StubModelServer.start(responder: responder)
        defer { Task { await server.stop() } }
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "2"]

        // One process, PostgreSQL store.
        let single = try await CLIProcess.run(
            ["run", profile.path, "--store", url, "--budget", "140", "--json", "--dedupe-key", freshKey()], in: work, environment: env)
        try expectSameOutcome(single, as: reference.result, "single process on PostgreSQL")
        let singleCalls = server.completionRequests.count

        // A coordinator and two workers, on a profile copy of their own (a ship writes beside it).
        let distributedProfile = try Fixtures.copyOfProfile("sentiment")
        let key = freshKey()
        let runID = "run-" + ContentHash.sha256(key).prefix(12)
        let workers = try startWorkers(2, url: url, runID: runID, in: work, environment: env)
        let distributed = try await CLIProcess.run(
            ["run", distributedProfile.path, "--store", url, "--budget", "140", "--json", "--dedupe-key", key, "--distributed"],
            in: distributedProfile.deletingLastPathComponent(), environment: env)
        for worker in workers { worker.process.terminate() }
        for worker in workers { _ = await worker.wait() }
        try expectSameOutcome(distributed, as: reference.result, "distributed over two workers")
        #expect(server.completionRequests.count - singleCalls == reference.totalRequests, "a distributed run pays for each call once")
        try await expectModelCallsRanOnWorkers(url: url, runID: runID)

        // Inspection commands read the PostgreSQL store.
        let shown = try await CLIProcess.run(["show", runID, "--store", url, "--json"], in: work)
        #expect(shown.status == 0, "stderr: \(shown.stderr)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let summary = try decoder.decode(RunSummary.self, from: Data(shown.stdout.utf8))
        #expect(summary.run.paidSteps == reference.totalRequests)
        let listed = try await CLIProcess.run(["runs", "--store", url, "--limit", "50"], in: work)
        #expect(listed.stdout.contains(runID), "stderr: \(listed.stderr)")
    }

    @Test func aWorkerKilledMidRunLosesNoCompletedCall() async throws {
        let chaos = try await ChaosSetup.start()
        defer { Task { await chaos.server.stop() } }
        let (url, reference, killSwitch, server) = (chaos.url, chaos.reference, chaos.killSwitch, chaos.server)
        let (profile, work, env, key, runID) = (chaos.profile, chaos.work, chaos.environment, chaos.key, chaos.runID)
        // Worker 0 runs alone and dies with SIGKILL when the stub receives the run's 40th call:
        // that call is in flight on it. Worker 1 starts after the kill and must take over the
        // calls worker 0 held once their lease (2 s) lapses.
        let first = try startWorkers(1, url: url, runID: runID, in: work, environment: env)[0]
        killSwitch.arm(pid: first.process.processIdentifier, afterRequests: 40)
        async let coordinator = CLIProcess.run(
            ["run", profile.path, "--store", url, "--budget", "140", "--json", "--dedupe-key", key, "--distributed"], in: work, environment: env)
        let killed = await first.wait()
        #expect(killed.signalled, "worker 0 was not killed")
        let second = try CLIProcess(
            ["worker", "--store", url, "--run", runID, "--concurrency", "4", "--worker-id", "test-worker-1"], in: work, environment: env)
        let distributed = try await coordinator
        second.process.terminate()
        _ = await second.wait()
        try expectSameOutcome(distributed, as: reference.result, "distributed with a killed worker")
        try await expectModelCallsRanOnWorkers(url: url, runID: runID)
        // Only calls in flight on the killed worker (at most its 4 lanes) are paid twice.
        let extra = server.countsByBodyHash.reduce(0) { $0 + max(0, $1.value - (reference.countsByBodyHash[$1.key] ?? 0)) }
        let store = try await PostgresRunStore.open(try PostgresLocation(parsing: url))
        defer { store.close() }
        let reclaimed = try await store.summary(runID: runID, lastEvents: 0).reattemptedPaidSteps
        print("postgres chaos: worker 0 SIGKILLed; \(reclaimed) calls claimed again, \(extra) paid twice")
        #expect(reclaimed >= 1, "no call held by the killed worker was claimed again")
        #expect(extra <= 4, "\(extra) calls repeated")
        #expect(server.completionRequests.count <= reference.totalRequests + 4)
    }

    @Test func aCoordinatorKilledMidRunResumesWithoutPayingTwice() async throws {
        let chaos = try await ChaosSetup.start()
        defer { Task { await chaos.server.stop() } }
        let (url, reference, killSwitch, server) = (chaos.url, chaos.reference, chaos.killSwitch, chaos.server)
        let (profile, work, env, key, runID) = (chaos.profile, chaos.work, chaos.environment, chaos.key, chaos.runID)
        let workers = try startWorkers(2, url: url, runID: runID, in: work, environment: env)
        let arguments = ["run", profile.path, "--store", url, "--budget", "140", "--json", "--dedupe-key", key, "--distributed"]
        // The coordinator dies with SIGKILL at the run's 40th call; the same command resumes it.
        let first = try CLIProcess(arguments, in: work, environment: env)
        killSwitch.arm(pid: first.process.processIdentifier, afterRequests: 40)
        let killed = await first.wait()
        killSwitch.disarm()
        #expect(killed.signalled, "the coordinator was not killed")
        let resumed = try await CLIProcess.run(arguments, in: work, environment: env)
        for worker in workers { worker.process.terminate() }
        for worker in workers { _ = await worker.wait() }
        try expectSameOutcome(resumed, as: reference.result, "distributed with a killed coordinator")
        // The calls were in flight on the workers, which finished them: nothing is paid twice.
        let extra = server.countsByBodyHash.reduce(0) { $0 + max(0, $1.value - (reference.countsByBodyHash[$1.key] ?? 0)) }
        print("postgres chaos: coordinator SIGKILLed and resumed; \(extra) calls paid twice")
        #expect(extra == 0, "\(extra) calls repeated")
    }
}

/// What both chaos tests start from: the SQLite reference run, a stub that can kill a process
/// at its Nth request, a profile copy, and a run of its own (fresh dedupe key) with a 2 s lease.
private struct ChaosSetup {
    let url: String
    let reference: ReferenceRun
    let killSwitch: KillSwitch
    let server: StubModelServer
    let profile: URL
    let work: URL
    let environment: [String: String]
    let key: String
    let runID: String

    static func start() async throws -> ChaosSetup {
        let url = try PostgresTestServer.require()
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let responder = ClassifierStub.formatSensitive(labels: labels, delay: .milliseconds(3))
        let reference = try await ReferenceRun.sentiment(responder: responder)
        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(responder))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let key = "pg-test/\(UUID().uuidString)"
        return ChaosSetup(
            url: url, reference: reference, killSwitch: killSwitch, server: server, profile: profile,
            work: profile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "2"],
            key: key, runID: "run-" + ContentHash.sha256(key).prefix(12))
    }
}

import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `improve-cli evolve` as a researcher meets it: a real child process, SQLite file and HTTP to a
/// loopback model; a `kill -9` in the middle of a generation, then `resume`.
@Suite(.serialized) struct EvolveCommandTests {
    static func destinations() throws -> [String: String] {
        try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/travel-destination/trips.jsonl"))
    }

    static let arguments = ["--store", "store.sqlite", "--generations", "2", "--population", "3", "--json"]

    @Test func aKilledEvolveResumesToTheSameResultWithoutPayingTwice() async throws {
        let responder = StrategyLadder.responder(destinations: try Self.destinations())
        let referenceServer = try await StubModelServer.start(responder: responder)
        let referenceProfile = try Fixtures.copyOfProfile("travel-destination")
        let reference = try await CLIProcess.run(
            ["evolve", referenceProfile.path] + Self.arguments, in: referenceProfile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": referenceServer.baseURL.absoluteString])
        await referenceServer.stop()
        try #require(reference.status == 0, "reference run failed: \(reference.stderr)")
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(reference.stdout.utf8))
        let total = referenceServer.completionRequests.count
        let tables = try #require(expected["evolution"]?["tables"])
        for key in ["generationsCSV", "generationsJSON", "lineageJSON"] {
            #expect(FileManager.default.fileExists(atPath: tables[key]?.stringValue ?? "missing"), "\(key)")
        }

        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(responder))
        let profile = try Fixtures.copyOfProfile("travel-destination")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "2"]
        let child = try CLIProcess(["evolve", profile.path] + Self.arguments, in: work, environment: env)
        // Generation 0 is 22 rollouts; generation 1 three author calls and 44 rollouts: kill in generation 2.
        killSwitch.arm(pid: child.process.processIdentifier, afterRequests: total * 3 / 4)
        let killed = await child.wait()
        killSwitch.disarm()
        #expect(killed.signalled, "the run ended before the kill: \(killed.stderr)")

        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        let runID = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue?.first?["id"]?.stringValue)
        let resumed = try await CLIProcess.run(["resume", runID, "--store", "store.sqlite", "--json"], in: work, environment: env)
        await server.stop()

        #expect(resumed.status == reference.status, "stderr: \(resumed.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(resumed.stdout.utf8))
        #expect(outcome["runID"]?.stringValue == runID)
        #expect(outcome["verdict"] == expected["verdict"])
        #expect(outcome["winnerID"] == expected["winnerID"])
        #expect(outcome["evolution"]?["generations"] == expected["evolution"]?["generations"])
        // Only calls in flight at the kill (at most the concurrency, 2) may be paid again.
        let extra = server.completionRequests.count - total
        print("evolve chaos: \(total) requests uninterrupted, \(server.completionRequests.count) with one SIGKILL and resume")
        #expect(extra >= 0 && extra <= 2, "\(extra) repeated paid calls")
    }

    @Test func seedsRunOneReplicateEachAndWriteASummary() async throws {
        let server = try await StubModelServer.start(responder: StrategyLadder.responder(destinations: try Self.destinations()))
        let profile = try Fixtures.copyOfProfile("travel-destination")
        let work = profile.deletingLastPathComponent()
        let result = try await CLIProcess.run(
            ["evolve", profile.path, "--store", "store.sqlite", "--generations", "1", "--population", "2", "--seeds", "1,2", "--json"], in: work,
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let summary = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        #expect(summary["rows"]?.arrayValue?.compactMap { $0["seed"]?.doubleValue } == [1, 2])
        #expect(summary["championSearch"]?["n"] == 2)
        let directory = profile.appendingPathComponent("runs/replicates-seeds-1-2")
        for file in ["replicates.csv", "replicates.json", "seed-1/generations.csv", "seed-2/lineage.json"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: profile.appendingPathComponent("profile.v2.yaml").path))
        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue?.count == 2)
    }

    @Test func badSeedsAndAnAuthorOutsideThePolicyFailBeforeAnythingIsWritten() async throws {
        let profile = try Fixtures.copyOfProfile("travel-destination")
        let work = profile.deletingLastPathComponent()
        let bad = try await CLIProcess.run(["evolve", profile.path, "--seeds", "1,x"], in: work)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--seeds"))
        try Fixtures.edit(profile.appendingPathComponent("policy.yaml"), replacing: "    provider: local\n    id: smollm2-135m-instruct\n    maxTokens: 120", with: "    provider: openai\n    id: gpt-4o\n    maxTokens: 120")
        let breach = try await CLIProcess.run(["evolve", profile.path, "--store", "store.sqlite"], in: work)
        #expect(breach.status == 2, "stderr: \(breach.stderr)")
        #expect(breach.stderr.contains("author model openai/gpt-4o"))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("store.sqlite").path))
    }
}

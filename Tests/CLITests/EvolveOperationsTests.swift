import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `evolve` under the nightly operations of `run`: the per-profile lock, the spend ceiling, the
/// session record read by `runs --since` and the metrics file. Real child processes, a real
/// SQLite file and HTTP to a loopback stub; synchronised on the stub's arrivals, never on sleeps.
@Suite(.serialized) struct EvolveOperationsTests {
    static func responder() throws -> StubModelServer.Responder {
        StrategyLadder.responder(
            destinations: try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/travel-destination/trips.jsonl")))
    }

    static let small = ["--store", "store.sqlite", "--generations", "1", "--population", "2", "--json"]

    @Test(.timeLimit(.minutes(3)))
    func aSecondEvolveOfTheSameProfileExitsSevenNamingTheHolder() async throws {
        let gate = RequestGate()
        let server = try await StubModelServer.start(responder: gate.holding(try Self.responder()))
        let profile = try Fixtures.copyOfProfile("travel-destination")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let arguments = ["evolve", profile.path] + Self.small
        let first = try FileLoggedProcess(executable: try CLIProcess.executable("improve-cli"), arguments, in: work, environment: env, label: "first", onExit: { gate.abandon() })
        // The first evolve is inside its first paid call: it holds the lock.
        await gate.firstArrival()
        try #require(first.process.isRunning, "the first evolve ended early: \(first.stderr)")

        let refused = try await CLIProcess.run(arguments, in: work, environment: env)
        #expect(refused.status == 7, "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains("pid \(first.process.processIdentifier)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("run run-"), "the holder's run id: \(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        gate.open()
        let firstStatus = await first.wait()
        await server.stop()
        #expect(firstStatus == 0, "stderr: \(first.stderr)")
    }

    @Test(.timeLimit(.minutes(3)))
    func aSpendCeilingStopsAnEvolveResumablyAndTheSessionsAreRecorded() async throws {
        let server = try await StubModelServer.start(responder: try Self.responder())
        let profile = try Fixtures.copyOfProfile("travel-destination")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let arguments = ["evolve", profile.path] + Self.small + ["--metrics-file", "improve.prom", "--log-format", "json"]

        // Generation 0 alone is more than 20 rollouts: the ceiling stops the evolve inside it.
        let stopped = try await CLIProcess.run(arguments + ["--spend-ceiling", "20calls", "--spend-window", "24h"], in: work, environment: env)
        #expect(stopped.status == 5, "stderr: \(stopped.stderr)")
        #expect(stopped.stderr.contains("spend ceiling reached"), "\(stopped.stderr)")
        // --log-format json: every line of standard error is one JSON object.
        for line in stopped.stderr.split(separator: "\n") {
            #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)))?.objectValue != nil, "not JSON: \(line)")
        }
        let paidUnderCeiling = server.completionRequests.count
        #expect(paidUnderCeiling >= 20 && paidUnderCeiling <= 22, "\(paidUnderCeiling) paid calls under a 20-call ceiling")
        let metrics = try String(contentsOf: work.appendingPathComponent("improve.prom"), encoding: .utf8)
        #expect(metrics.contains("improve_"), "\(metrics)")

        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        let run = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue?.first)
        #expect(run["state"] == "interrupted")
        #expect(run["failure"]?.stringValue?.contains("spend ceiling reached") == true)

        // Raised: the same command finishes the same run.
        let finished = try await CLIProcess.run(arguments + ["--spend-ceiling", "100000calls"], in: work, environment: env)
        await server.stop()
        #expect(finished.status == 0, "stderr: \(finished.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(finished.stdout.utf8))
        #expect(outcome["runID"] == run["id"])
        #expect(outcome["evolution"]?["generations"] != nil)

        // Both sessions are in the morning report: the second replayed what the first paid for.
        let report = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--since", "24h", "--json"], in: work)
        let digest = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(report.stdout.utf8)).arrayValue?.first)
        #expect(digest["id"] == run["id"])
        #expect(digest["replayedCalls"]?.doubleValue == Double(paidUnderCeiling), "\(report.stdout)")
        #expect(digest["paidCalls"]?.doubleValue == Double(server.completionRequests.count), "\(report.stdout)")
    }
}

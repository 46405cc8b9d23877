import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `kill -9` of `improve-cli run Profiles/compressor` (search space and model mixed) while its
/// model call is in flight, then the same command again: no experiment runs twice and only the
/// call cut short is asked again.
@Suite(.serialized) struct ArtifactResumeChaosTests {
    @Test func aKilledAutoresearchRunResumesWithoutRepeatingAnExperiment() async throws {
        let profile = try Fixtures.copyOfProfile("compressor")
        let work = profile.deletingLastPathComponent()
        let runsLog = work.appendingPathComponent("experiments.log")
        // Each experiment appends a line outside the scratch copy, so every run is counted.
        try Fixtures.edit(profile.appendingPathComponent("artifact.yaml"), replacing: "command: python3 compress.py", with: "command: sh -c 'echo run >> \(runsLog.path) && python3 compress.py'")
        try Fixtures.edit(profile.appendingPathComponent("artifact.yaml"), replacing: "maxAttempts: 12", with: "maxAttempts: 8")
        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(StubModelServer.fixed("Whole text.\n```json\n{\"codec\": \"zlib\", \"level\": 9, \"chunkSize\": 0}\n```")))
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "1"]
        let arguments = ["run", profile.path, "--store", "store.sqlite", "--json"]

        // Attempt 4 is the first to ask the model: the kill lands during that call, after the
        // three baseline runs and three space experiments have completed.
        let child = try CLIProcess(arguments, in: work, environment: env)
        killSwitch.arm(pid: child.process.processIdentifier, afterRequests: 1)
        let killed = await child.wait()
        killSwitch.disarm()
        #expect(killed.signalled)
        let runsAtKill = ((try? String(contentsOf: runsLog, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(runsAtKill == 6)

        let final = try await CLIProcess.run(arguments, in: work, environment: env)
        await server.stop()
        #expect(final.status == 0, "stderr: \(final.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(final.stdout.utf8))
        let experiments = try #require(outcome["metricCalls"].flatMap { value -> Int? in if case .number(let n) = value { return Int(n) }; return nil })
        let runs = try String(contentsOf: runsLog, encoding: .utf8).split(separator: "\n").count
        #expect(runs == experiments, "\(runs) experiment runs for \(experiments) experiments")
        // Two model attempts (4 and 8); the call killed in flight is the only one asked twice.
        #expect(server.completionRequests.count == 3)
        #expect(outcome["stopReason"]?.stringValue?.contains("(2 by the model)") == true)
    }
}

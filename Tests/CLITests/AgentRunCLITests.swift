import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `improve-cli` driving an agent program: the sentiment profile answered by a real exec agent
/// (Python) that sends each unit's messages through the run's model gateway to a loopback stub.
@Suite(.serialized) struct AgentRunCLITests {
    /// A copy of Profiles/sentiment whose agent is `scripted_agent.py model`.
    static func agentProfile() throws -> URL {
        let profile = try Fixtures.copyOfProfile("sentiment")
        let agent = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/agents/scripted_agent.py").path
        let file = profile.appendingPathComponent("profile.yaml")
        let text = try String(contentsOf: file, encoding: .utf8) + """

            agent:
              exec:
                command: [python3, \(agent), model]
              timeoutSeconds: 30

            """
        try text.write(to: file, atomically: true, encoding: .utf8)
        return profile
    }

    static func responder() throws -> StubModelServer.Responder {
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        return ClassifierStub.formatSensitive(labels: labels, delay: .milliseconds(3))
    }

    @Test(.timeLimit(.minutes(3)))
    func evalDrivesTheAgentAndASecondEvalPaysNothing() async throws {
        let server = try await StubModelServer.start(responder: try Self.responder())
        let profile = try Self.agentProfile()
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let arguments = ["eval", profile.path, "--store", "store.sqlite", "--split", "holdout", "--limit", "8", "--json"]
        let first = try await CLIProcess.run(arguments, in: work, environment: env)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let paid = server.completionRequests.count
        #expect(paid == 8, "one gateway call per unit: \(paid)")
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(first.stdout.utf8))
        #expect(report["items"]?.arrayValue?.count == 8)
        // Every call the agent made went through the gateway to the stub, never to another model.
        #expect(server.completionRequests.allSatisfy { String(decoding: $0.body, as: UTF8.self).contains("smollm2") })

        let second = try await CLIProcess.run(arguments, in: work, environment: env)
        await server.stop()
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(server.completionRequests.count == paid, "the second eval replays every unit")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(second.stdout.utf8))["overall"] == report["overall"])
    }

    @Test(.timeLimit(.minutes(8)))
    func aRunKilledMidUnitResumesToTheSameResultWithoutPayingACompletedGatewayCallTwice() async throws {
        let responder = try Self.responder()
        // The reference: the agent run uninterrupted.
        let referenceServer = try await StubModelServer.start(responder: responder)
        let referenceProfile = try Self.agentProfile()
        let arguments = { (profile: URL) in ["run", profile.path, "--store", "store.sqlite", "--budget", "140", "--json"] }
        let reference = try await CLIProcess.run(
            arguments(referenceProfile), in: referenceProfile.deletingLastPathComponent(), environment: ["IMPROVE_BASE_URL": referenceServer.baseURL.absoluteString])
        await referenceServer.stop()
        try #require(reference.status == 0 || reference.status == 3, "reference run failed: \(reference.stderr)")
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(reference.stdout.utf8))
        let referenceCounts = referenceServer.countsByBodyHash
        let referenceTotal = referenceServer.completionRequests.count

        // The same run, killed with SIGKILL in the middle of units, three times.
        let killSwitch = KillSwitch()
        let server = try await StubModelServer.start(responder: killSwitch.counting(responder))
        let profile = try Self.agentProfile()
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_STEP_LEASE_SECONDS": "2"]
        var kills = 0
        for fraction in [5, 3, 2] {
            let target = referenceTotal / fraction
            guard target > server.completionRequests.count + 2 else { continue }
            let child = try CLIProcess(arguments(profile), in: work, environment: env)
            killSwitch.arm(pid: child.process.processIdentifier, afterRequests: target - server.completionRequests.count)
            let ended = await child.wait()
            killSwitch.disarm()
            if ended.signalled { kills += 1 }
        }
        let final = try await CLIProcess.run(arguments(profile), in: work, environment: env)
        await server.stop()
        #expect(kills >= 2, "the run finished before enough kills: \(kills)")
        #expect(final.status == reference.status, "stderr: \(final.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(final.stdout.utf8))
        #expect(outcome["verdict"] == expected["verdict"])
        #expect(outcome["winnerID"] == expected["winnerID"])
        #expect(outcome["winnerHoldoutMean"] == expected["winnerHoldoutMean"])
        // Only a call in flight at a kill may be paid again: at most one per lane per kill.
        let extra = server.countsByBodyHash.reduce(0) { $0 + max(0, $1.value - (referenceCounts[$1.key] ?? 0)) }
        print("agent chaos: \(kills) SIGKILLs, \(server.completionRequests.count) gateway calls paid vs \(referenceTotal) uninterrupted, \(extra) repeated")
        #expect(extra <= kills * 4, "\(extra) repeated paid calls over \(kills) kills")
    }
}

/// The HTTP form of an agent, and the guard for a model the agent picks itself.
@Suite(.serialized) struct AgentServiceCLITests {
    @Test(.timeLimit(.minutes(3)))
    func anHTTPAgentStartedByTheTestIsDrivenLikeAProgram() async throws {
        let server = try await StubModelServer.start(responder: try AgentRunCLITests.responder())
        // The agent as a service: scripted_agent.py serve model prints its port.
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        agent.arguments = ["python3", Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/agents/scripted_agent.py").path, "serve", "model"]
        let out = Pipe()
        agent.standardOutput = out
        // Not the test runner's own descriptors: a child left holding them keeps `swift test` waiting.
        agent.standardError = FileHandle.nullDevice
        agent.standardInput = FileHandle.nullDevice
        try agent.run()
        defer {
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        let port = try #require(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).split(separator: "\n").first.map(String.init))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let file = profile.appendingPathComponent("profile.yaml")
        try (String(contentsOf: file, encoding: .utf8) + "\nagent:\n  http:\n    url: http://127.0.0.1:\(port)/agent\n  timeoutSeconds: 30\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(
            ["eval", profile.path, "--split", "holdout", "--limit", "4", "--json"], in: profile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(server.completionRequests.count == 4, "one gateway call per unit")
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        #expect(report["items"]?.arrayValue?.allSatisfy { $0["error"] == nil } == true)
    }

    @Test(.timeLimit(.minutes(3)))
    func anAgentAskingForAModelOutsideThePolicyStopsTheRunWithExit2AndShipsNothing() async throws {
        let server = try await StubModelServer.start(responder: try AgentRunCLITests.responder())
        let profile = try AgentRunCLITests.agentProfile()
        let file = profile.appendingPathComponent("profile.yaml")
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "  timeoutSeconds: 30", with: "    env: {AGENT_MODEL: openai/gpt-4o}\n  timeoutSeconds: 30")
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(
            ["run", profile.path, "--store", "store.sqlite", "--budget", "140"], in: profile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("openai/gpt-4o"), "\(result.stderr)")
        #expect(server.completionRequests.isEmpty, "the forbidden call never reached a provider")
        let written = try FileManager.default.contentsOfDirectory(atPath: profile.path).filter { $0.hasPrefix("profile.v") }
        #expect(written.isEmpty)
    }
}

/// `evolve` with an agent program: generation 0 and every child are scored by the agent.
@Suite(.serialized) struct AgentEvolveCLITests {
    @Test(.timeLimit(.minutes(4)))
    func evolveScoresEveryCandidateThroughTheAgent() async throws {
        let server = try await StubModelServer.start(responder: try AgentRunCLITests.responder())
        let profile = try AgentRunCLITests.agentProfile()
        let result = try await CLIProcess.run(
            ["evolve", profile.path, "--surface", "prompt", "--generations", "1", "--population", "2", "--budget", "400", "--store", "store.sqlite", "--json"],
            in: profile.deletingLastPathComponent(), environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        #expect(result.status == 0 || result.status == 3, "stderr: \(result.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        #expect(outcome["evolution"]?["scored"]?.doubleValue ?? 0 >= 2)
        // Every unit of every candidate went through the gateway: the store holds agent_unit and
        // agent_call steps, and no plain task model call.
        let runID = try #require(outcome["runID"]?.stringValue)
        let shown = try await CLIProcess.run(["show", runID, "--store", "store.sqlite", "--json"], in: profile.deletingLastPathComponent())
        #expect(shown.stdout.contains("agent_unit") && shown.stdout.contains("agent_call"), "\(shown.stdout.prefix(2000))")
    }
}

import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `improve-cli run` as a user meets it: a real child process, a real SQLite file, real HTTP
/// to a loopback model server; exit codes and files are the contract under test.
@Suite(.serialized) struct RunCommandTests {
    static func labels() throws -> [String: String] {
        try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
    }

    @Test
    func shipsWritesTheProfileAndAnAuditThatVerifies() async throws {
        let server = try await StubModelServer.start(responder: ClassifierStub.formatSensitive(labels: try Self.labels()))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString, "IMPROVE_AUDIT_KEY": "cli-test-key"]
        let result = try await CLIProcess.run(["run", profile.path, "--store", "store.sqlite", "--json"], in: work, environment: env)
        await server.stop()

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        #expect(outcome["verdict"] == "ship")
        let written = try #require(outcome["writtenProfile"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: written))
        let audit = try #require(outcome["auditRecord"]?.stringValue)
        let verify = try await CLIProcess.run(["audit", "verify", audit], in: work, environment: env)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        #expect(runs.status == 0)
        #expect(runs.stdout.contains(outcome["runID"]?.stringValue ?? "missing"))

        let runID = try #require(outcome["runID"]?.stringValue)
        let report = try await CLIProcess.run(["report", runID, "--store", "store.sqlite"], in: work)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout == (try String(contentsOfFile: try #require(outcome["report"]?.stringValue), encoding: .utf8)))
        let unknown = try await CLIProcess.run(["report", "run-nope", "--store", "store.sqlite"], in: work)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("improve-cli runs"))
    }

    @Test
    func holdsWithExitCodeThreeAndLeavesTheProfileAlone() async throws {
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("no idea"))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let before = Fixtures.fileDigest(profile.appendingPathComponent("profile.yaml"))
        let result = try await CLIProcess.run(
            ["run", profile.path, "--store", "store.sqlite", "--budget", "120"], in: profile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()

        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("HOLD"))
        #expect(Fixtures.fileDigest(profile.appendingPathComponent("profile.yaml")) == before)
        #expect(!FileManager.default.fileExists(atPath: profile.appendingPathComponent("profile.v2.yaml").path))
    }

    @Test func policyViolationExitsTwoAndCreatesNoStore() async throws {
        let server = try await StubModelServer.start()
        let profile = try Fixtures.copyOfProfile("sentiment")
        try Fixtures.edit(profile.appendingPathComponent("policy.yaml"), replacing: "- local/smollm2-135m-instruct", with: "- anthropic/claude-haiku")
        let work = profile.deletingLastPathComponent()
        let result = try await CLIProcess.run(["run", profile.path, "--store", "store.sqlite"], in: work, environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()

        #expect(result.status == 2)
        #expect(result.stderr.contains("local/smollm2-135m-instruct"))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("store.sqlite").path))
        #expect(server.completionRequests.isEmpty)
    }

    @Test func aMalformedSuiteNamesTheFileAndLine() async throws {
        let profile = try Fixtures.copyOfProfile("sentiment")
        let data = profile.appendingPathComponent("sst2.jsonl")
        var lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[4] = "{\"id\": \"broken\", \"input\": "
        try lines.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(["run", profile.path, "--store", "store.sqlite"], in: profile.deletingLastPathComponent())

        #expect(result.status == 1)
        #expect(result.stderr.contains("sst2.jsonl:5"))
        #expect(!FileManager.default.fileExists(atPath: profile.deletingLastPathComponent().appendingPathComponent("store.sqlite").path))
    }

    @Test func anArtifactDirectoryRunsAutoresearchAndShipsTheSmallerConfig() async throws {
        let reply = "Use lzma at its strongest preset.\n```json\n{\"codec\": \"lzma\", \"level\": 9, \"chunkSize\": 0}\n```"
        let server = try await StubModelServer.start(modelIDs: ["smollm2-135m-instruct"], responder: StubModelServer.fixed(reply))
        let profile = try Fixtures.copyOfProfile("compressor")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let result = try await CLIProcess.run(["run", profile.path, "--store", "store.sqlite", "--json"], in: work, environment: env)
        await server.stop()

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        #expect(outcome["verdict"] == "ship")
        #expect(outcome["writtenProfile"]?.stringValue?.hasSuffix("compressor/config.v2.json") == true)
        let audit = try #require(outcome["auditRecord"]?.stringValue)
        let verify = try await CLIProcess.run(["audit", "verify", audit], in: work)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let tsv = URL(fileURLWithPath: audit).deletingLastPathComponent().appendingPathComponent("attempts.tsv")
        #expect(try String(contentsOf: tsv, encoding: .utf8).hasPrefix("attempt\tmetric\tstatus\tdescription\n"))
    }

    @Test func sigintStopsWithExitFiveAndResumeFinishesTheRun() async throws {
        let responder = ClassifierStub.formatSensitive(labels: try Self.labels())
        let interrupter = KillSwitch()
        let server = try await StubModelServer.start(responder: interrupter.counting(responder))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let child = try CLIProcess(["run", profile.path, "--store", "store.sqlite", "--json"], in: work, environment: env)
        // Ctrl-C in the middle of the search, while a model call is in flight.
        interrupter.arm(pid: child.process.processIdentifier, afterRequests: 40, signal: SIGINT)
        let interrupted = await child.wait()
        #expect(interrupted.status == 5, "stderr: \(interrupted.stderr)")
        #expect(!interrupted.signalled)
        #expect(interrupted.stderr.contains("improve-cli resume"))

        let runs = try await CLIProcess.run(["runs", "--store", "store.sqlite", "--json"], in: work)
        let listed = try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8))
        let run = try #require(listed.arrayValue?.first)
        #expect(run["state"] == "interrupted")
        let runID = try #require(run["id"]?.stringValue)
        let paidBefore = server.completionRequests.count

        let resumed = try await CLIProcess.run(["resume", runID, "--store", "store.sqlite", "--json"], in: work, environment: env)
        await server.stop()
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(resumed.stdout.utf8))
        #expect(outcome["runID"]?.stringValue == runID)
        #expect(outcome["verdict"] == "ship")
        #expect(server.completionRequests.count > paidBefore)
    }
}

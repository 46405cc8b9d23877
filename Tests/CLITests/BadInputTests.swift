import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// Broken copies of `Profiles/sentiment`, run as a user would run them: each must exit 1 with a
/// message naming the file and the field, and leave every file as it was (no store, no run
/// directory, no new profile version).
@Suite(.serialized) struct BadInputTests {
    /// Every file under `directory` with its bytes.
    static func snapshot(_ directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.path.dropFirst(directory.path.count))
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            files[relative] = isDirectory.boolValue ? Data() : FileManager.default.contents(atPath: url.path)
        }
        return files
    }

    /// Runs `command` on a copy of `Profiles/sentiment` broken by `breakIt`, and checks exit 1,
    /// the message, and that nothing in the working directory was created or changed.
    @discardableResult
    static func expectRefusal(
        _ command: [String], mentions: [String], environment: [String: String] = [:], breakIt: (URL) throws -> Void
    ) async throws -> CLIProcess.Result {
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        try breakIt(profile)
        let before = snapshot(work)
        var env = ["IMPROVE_BASE_URL": "http://127.0.0.1:9/v1"]
        for (key, value) in environment { env[key] = value }
        let arguments = command.map { $0 == "PROFILE" ? profile.path : $0 }
        let result = try await CLIProcess.run(arguments, in: work, environment: env)
        #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(!result.signalled)
        for text in mentions { #expect(result.stderr.contains(text), "stderr lacks \"\(text)\": \(result.stderr)") }
        #expect(snapshot(work) == before, "files were created or changed")
        return result
    }

    static let run = ["run", "PROFILE", "--store", "store.sqlite"]
    static let eval = ["eval", "PROFILE", "--store", "store.sqlite", "--out", "report.json"]

    @Test func anOverlongInputIsRefusedBeforeAnyCall() async throws {
        // The issue's case: a 20 MB input was sent to the model; here 250,000 characters, over the default limit.
        for command in [Self.run, Self.eval] {
            try await Self.expectRefusal(command, mentions: ["sst2.jsonl:3:", "input:", "IMPROVE_LIMIT_MAX_INPUT_CHARS"]) { profile in
                let data = profile.appendingPathComponent("sst2.jsonl")
                var lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").map(String.init)
                lines[2] = "{\"id\": \"huge\", \"input\": \"\(String(repeating: "a", count: 250_000))\", \"expected\": \"positive\"}"
                try lines.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
            }
        }
    }

    @Test func anAliasBombInThePolicyFailsFast() async throws {
        let started = ContinuousClock.now
        try await Self.expectRefusal(Self.run, mentions: ["policy.yaml:", "YAML nodes", "IMPROVE_LIMIT_MAX_YAML_NODES"]) { profile in
            var lines = ["allowedModels: [local/smollm2-135m-instruct]", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
            for level in 1...9 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]") }
            try lines.joined(separator: "\n").write(to: profile.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func aProfileInLatin1SaysItIsNotUTF8() async throws {
        try await Self.expectRefusal(Self.run, mentions: ["profile.yaml:12:", "not UTF-8"]) { profile in
            let file = profile.appendingPathComponent("profile.yaml")
            var data = try Data(contentsOf: file)
            data.append(contentsOf: Array("# caf".utf8) + [0xE9, 0x0A])
            try data.write(to: file)
        }
    }

    @Test func anExpectedLabelNoScorerListsIsRefused() async throws {
        try await Self.expectRefusal(Self.eval, mentions: ["sst2.jsonl:1:", "expected:", "\"positve\" is not one of the labels"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("sst2.jsonl"), replacing: "\"expected\": \"positive\"}\n{\"id\": \"sst2-0001\"", with: "\"expected\": \"positve\"}\n{\"id\": \"sst2-0001\"")
        }
    }

    @Test func aPlaceholderNoItemProvidesIsRefused() async throws {
        try await Self.expectRefusal(Self.run, mentions: ["profile.yaml:11:", "userTemplate:", "{{text}}"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("profile.yaml"), replacing: "userTemplate: \"{{input}}\"", with: "userTemplate: \"Text: {{text}}\"")
        }
    }

    @Test func anAmbiguousBooleanAndADuplicateKeyAreRefused() async throws {
        try await Self.expectRefusal(Self.eval, mentions: ["providers.yaml:4:", "providers.local.allowServedModelMismatch", "write true or false"]) { profile in
            try "providers:\n  local:\n    concurrency: 2\n    allowServedModelMismatch: on\n".write(
                to: profile.appendingPathComponent("providers.yaml"), atomically: true, encoding: .utf8)
        }
        try await Self.expectRefusal(Self.run, mentions: ["suite.yaml:", "\"split\" appears twice"]) { profile in
            let file = profile.appendingPathComponent("suite.yaml")
            try (try String(contentsOf: file, encoding: .utf8) + "split:\n  seed: 8\n").write(to: file, atomically: true, encoding: .utf8)
        }
    }

    @Test func strictTurnsAWarningIntoARefusal() async throws {
        let result = try await Self.expectRefusal(Self.run + ["--strict"], mentions: ["warning: ", "systemPrompt:", "--strict"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("profile.yaml"), replacing: "systemPrompt: Classify the sentiment.", with: "systemPrompt: Classify {{input}}.")
        }
        #expect(result.stderr.contains("profile.yaml:10:"))
    }

    @Test func anHTMLReplyIsAnInfrastructureFailureNotTheModelsZero() async throws {
        // Every third call gets a proxy's HTML page with status 200; the others a right answer.
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let classify = ClassifierStub.formatSensitive(labels: labels)
        let server = try await StubModelServer.start(responder: { request in
            request.index % 3 == 0 ? .raw("<html><head><title>Proxy error</title></head><body>try later</body></html>") : classify(request)
        })
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let env = ["IMPROVE_BASE_URL": server.baseURL.absoluteString]
        let lenient = try await CLIProcess.run(["eval", profile.path, "--limit", "9", "--json"], in: work, environment: env)
        let strict = try await CLIProcess.run(["eval", profile.path, "--limit", "9", "--strict"], in: work, environment: env)
        await server.stop()

        #expect(lenient.status == 0, "\(lenient.stderr)")
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(lenient.stdout.utf8))
        let items = try #require(report["items"]?.arrayValue)
        let failed = items.filter { $0["error"]?.stringValue != nil }
        #expect(failed.count == 3)
        #expect(report["infraErrors"]?.doubleValue == 3)
        #expect(failed.allSatisfy { $0["error"]?.stringValue?.contains("HTML page titled \"Proxy error\"") == true })
        #expect(lenient.stderr.contains("3 of 9 items failed for infrastructure reasons and are not in the mean"))
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("--strict: 3 items failed for infrastructure reasons"))
    }

    @Test func strictRefusesAGateThatCouldNeverShip() async throws {
        try await Self.expectRefusal(Self.run + ["--strict"], mentions: ["policy.yaml: gate:", "gate.minPairs 500", "--strict"]) { profile in
            try Fixtures.edit(profile.appendingPathComponent("policy.yaml"), replacing: "minPairs: 20", with: "minPairs: 500")
        }
    }

    @Test func aBaseURLWithoutV1AsksAboutV1() async throws {
        let server = try await StubModelServer.start(modelIDs: ["smollm2-135m-instruct"])
        let work = try Fixtures.temporaryDirectory("models-check")
        let before = Self.snapshot(work)
        let result = try await CLIProcess.run(["models", "check"], in: work, environment: ["IMPROVE_BASE_URL": "http://127.0.0.1:\(server.port)"])
        await server.stop()
        #expect(result.status == 1)
        #expect(result.stderr.contains("does the base URL end in /v1?"), "\(result.stderr)")
        #expect(!result.stderr.contains("does not serve model"))
        #expect(Self.snapshot(work) == before)
    }
}

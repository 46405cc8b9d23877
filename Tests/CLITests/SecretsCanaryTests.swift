import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// The secrets canary: a recognisable fake key for every provider (and the audit key), every
/// command that touches a provider or a record run as a real child process against a loopback
/// server that echoes request headers back in its error bodies; then every byte the tool wrote
/// (store and WAL, cassette, audit, reports, anything under HOME, stdout, stderr) is scanned.
@Suite(.serialized) struct SecretsCanaryTests {
    static let canaries = [
        "OPENAI_API_KEY": "sk-CANARY-openai-5f1e0c9a7b",
        "ANTHROPIC_API_KEY": "sk-ant-CANARY-anthropic-3d8b2e",
        "OPENROUTER_API_KEY": "sk-or-CANARY-openrouter-9a4c1f",
        "IMPROVE_AUDIT_KEY": "CANARY-audit-hmac-key-66e2d1",
    ]

    /// Completions succeed with a label; the model `fail-model` gets a 401 whose body quotes
    /// every request header, the worst a real server could do.
    static func responder(labels: [String: String]) -> StubModelServer.Responder {
        let classify = ClassifierStub.formatSensitive(labels: labels)
        return { request in
            if request.model == "fail-model" {
                let headers = request.headers.map { "\($0.key): \($0.value)" }.sorted().joined(separator: "\n")
                return .error(status: 401, message: "invalid credentials for request with headers:\n\(headers)")
            }
            if request.path.hasSuffix("/messages") { return .anthropic(text: "ready", model: request.model ?? "m") }
            return classify(request)
        }
    }

    /// Every regular file under `directory`, recursively.
    static func files(under directory: URL) -> [URL] {
        var found: [URL] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(url) }
        }
        return found
    }

    @Test func noKeyAppearsInAnythingTheToolWrites() async throws {
        let labels = try ClassifierStub.labels(fromJSONL: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment/sst2.jsonl"))
        let server = try await StubModelServer.start(responder: Self.responder(labels: labels))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let work = profile.deletingLastPathComponent()
        let home = work.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Fixtures.edit(profile.appendingPathComponent("profile.yaml"), replacing: "provider: local", with: "provider: openai")
        try Fixtures.edit(profile.appendingPathComponent("policy.yaml"), replacing: "- local/smollm2-135m-instruct", with: "- openai/smollm2-135m-instruct\n  - openai/fail-model")
        // A second profile on the Anthropic wire protocol (x-api-key) and a third that always gets 401.
        let anthropic = work.appendingPathComponent("anthropic")
        let failing = work.appendingPathComponent("failing")
        try FileManager.default.copyItem(at: profile, to: anthropic)
        try FileManager.default.copyItem(at: profile, to: failing)
        try Fixtures.edit(anthropic.appendingPathComponent("profile.yaml"), replacing: "provider: openai", with: "provider: anthropic")
        try Fixtures.edit(failing.appendingPathComponent("profile.yaml"), replacing: "id: smollm2-135m-instruct", with: "id: fail-model")

        var env = Self.canaries
        env["HOME"] = home.path
        for provider in ["OPENAI", "ANTHROPIC", "OPENROUTER"] { env["IMPROVE_PROVIDER_\(provider)_BASE_URL"] = server.baseURL.absoluteString }

        var outputs: [String] = []
        func run(_ arguments: [String], expecting statuses: Set<Int32>) async throws -> CLIProcess.Result {
            let result = try await CLIProcess.run(arguments, in: work, environment: env)
            outputs += [result.stdout, result.stderr]
            #expect(statuses.contains(result.status), "\(arguments): \(result.status) \(result.stderr)")
            return result
        }

        let ran = try await run(
            ["run", profile.path, "--store", "store.sqlite", "--budget", "120", "--cassette", "cassette.jsonl", "--cassette-mode", "record", "--json"],
            expecting: [0, 3, 4])
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(ran.stdout.utf8))
        let runID = try #require(outcome["runID"]?.stringValue)
        let audit = try #require(outcome["auditRecord"]?.stringValue)
        _ = try await run(["eval", profile.path, "--store", "store.sqlite", "--limit", "4", "--out", "eval.json"], expecting: [0])
        _ = try await run(["eval", failing.path, "--store", "store.sqlite", "--limit", "2", "--out", "failed-eval.json"], expecting: [0])
        _ = try await run(["models", "check", "--profile", profile.path], expecting: [0])
        _ = try await run(["models", "check", "--profile", anthropic.path], expecting: [0])
        let refused = try await run(["models", "check", "--profile", failing.path], expecting: [1])
        _ = try await run(["show", runID, "--store", "store.sqlite"], expecting: [0])
        _ = try await run(["show", runID, "--store", "store.sqlite", "--json"], expecting: [0])
        _ = try await run(["report", runID, "--store", "store.sqlite"], expecting: [0])
        _ = try await run(["runs", "--store", "store.sqlite", "--json"], expecting: [0])
        _ = try await run(["audit", "verify", audit], expecting: [0])
        await server.stop()

        // The keys really were sent, so the scan below means something.
        let sent = server.completionRequests
        #expect(sent.contains { $0.headers["authorization"] == "Bearer \(Self.canaries["OPENAI_API_KEY"] ?? "")" })
        #expect(sent.contains { $0.headers["x-api-key"] == Self.canaries["ANTHROPIC_API_KEY"] })
        #expect(refused.stderr.contains("refused the credentials"))
        #expect(refused.stderr.contains("[REDACTED]"))
        // The echoed headers did reach a file the tool wrote, redacted: the scan is not vacuous.
        let failedReport = try String(contentsOf: work.appendingPathComponent("failed-eval.json"), encoding: .utf8)
        #expect(failedReport.contains("authorization: Bearer [REDACTED]"))

        let written = Self.files(under: work)
        #expect(written.contains { $0.lastPathComponent == "cassette.jsonl" })
        #expect(written.contains { $0.lastPathComponent == "store.sqlite" })
        #expect(written.contains { $0.lastPathComponent == "failed-eval.json" })
        var scanned = 0
        for (name, key) in Self.canaries {
            let needle = Data(key.utf8)
            let fragment = Data(key.suffix(10).utf8)
            for file in written {
                guard let bytes = FileManager.default.contents(atPath: file.path) else { continue }
                scanned += bytes.count
                #expect(bytes.range(of: needle) == nil, "\(name) found in \(file.path)")
                #expect(bytes.range(of: fragment) == nil, "part of \(name) found in \(file.path)")
            }
            for output in outputs { #expect(!output.contains(key) && !output.contains(key.suffix(10)), "\(name) found in the output") }
        }
        #expect(scanned > 0)
    }
}

import Foundation
import Improve
import ImproveCore
import ImproveTestSupport
import Testing

/// `report` and `show` on a real run (child process, SQLite file, loopback model server).
@Suite(.serialized) struct ReportCommandTests {
    static let canary = "sk-canary-7d1f0e9a41b2c3d4"

    /// The format-sensitive classifier, except that every answer also repeats the request's
    /// Authorization header: a model that leaks the key it was called with.
    static func leakingClassifier() throws -> StubModelServer.Responder {
        let labels = try RunCommandTests.labels()
        return { request in
            let messages = request.json?["messages"]?.arrayValue ?? []
            let system = messages.first { $0["role"]?.stringValue == "system" }?["content"]?.stringValue ?? ""
            let user = request.lastMessageContent ?? ""
            let label = system.contains("one word") || system.contains("only the label") ? labels.first { user.contains($0.key) }?.value : nil
            let text = (label ?? "This text expresses a feeling about a movie.") + " (sent with \(request.headers["authorization"] ?? "no key"))"
            return .openAI(text: text, model: request.model ?? "stub-model")
        }
    }

    /// `improve-cli run <copy of Profiles/name> --store store.sqlite --json` against a loopback
    /// stub; returns the work directory, the outcome and the server (stopped) for inspection.
    static func offlineRun(
        _ name: String, modelIDs: [String] = ["stub-model"], responder: @escaping StubModelServer.Responder, environment: [String: String] = [:],
        prepare: (URL) throws -> Void = { _ in }
    ) async throws -> (work: URL, outcome: JSONValue, server: StubModelServer) {
        let server = try await StubModelServer.start(modelIDs: modelIDs, responder: responder)
        let profile = try Fixtures.copyOfProfile(name)
        try prepare(profile)
        let work = profile.deletingLastPathComponent()
        let env = environment.merging(["IMPROVE_BASE_URL": server.baseURL.absoluteString]) { _, new in new }
        let result = try await CLIProcess.run(["run", profile.path, "--store", "store.sqlite", "--json"], in: work, environment: env)
        await server.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return (work, try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8)), server)
    }

    @Test func aRunWritesAnHTMLReportThatNeverHoldsTheKeyAndShowReadsAsText() async throws {
        let env = ["IMPROVE_CANARY_API_KEY": Self.canary]
        let (work, outcome, server) = try await Self.offlineRun("sentiment", responder: try Self.leakingClassifier(), environment: env) { profile in
            try "providers:\n  local:\n    apiKeyEnv: IMPROVE_CANARY_API_KEY\n".write(to: profile.appendingPathComponent("providers.yaml"), atomically: true, encoding: .utf8)
        }
        // The key did travel to the model, so a report that copied model text could hold it.
        #expect(server.completionRequests.contains { $0.headers["authorization"]?.contains(Self.canary) == true })

        let runID = try #require(outcome["runID"]?.stringValue)
        let directory = URL(fileURLWithPath: try #require(outcome["report"]?.stringValue)).deletingLastPathComponent()
        let page = directory.appendingPathComponent("report.html")
        let written = try String(contentsOf: page, encoding: .utf8)
        for chart in ["intervals", "score-spend", "items", "lineage"] { #expect(written.contains("data-chart=\"\(chart)\""), "\(chart)") }

        let html = try await CLIProcess.run(["report", runID, "--store", "store.sqlite", "--html"], in: work)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout == page.path + "\n")
        // A deleted page is drawn again from report.json, byte for byte.
        try FileManager.default.removeItem(at: page)
        let again = try await CLIProcess.run(["report", runID, "--store", "store.sqlite", "--format", "html"], in: work)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: page, encoding: .utf8) == written)

        let json = try await CLIProcess.run(["report", runID, "--store", "store.sqlite", "--format", "json"], in: work)
        let model = try JSONDecoder().decode(ReportModel.self, from: Data(json.stdout.utf8))
        #expect(model.verdict?.decision == "ship")
        #expect(model.candidates.contains { $0.isWinner })
        #expect(model.items?.rows.isEmpty == false)

        let pr = try await CLIProcess.run(["report", runID, "--store", "store.sqlite", "--format", "pr"], in: work, environment: env)
        #expect(pr.status == 0, "\(pr.stderr)")
        #expect(pr.stdout.contains("**SHIP**"))
        #expect(pr.stdout.contains("audit verify"))

        let show = try await CLIProcess.run(["show", runID, "--store", "store.sqlite", "--events", "50"], in: work)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(!show.stdout.contains("{") && !show.stdout.contains("}"), "\(show.stdout)")
        #expect(show.stdout.contains("verdict    SHIP\n"))
        #expect(show.stdout.contains("gate SHIP"))
        #expect(show.stdout.contains("proposal #1"))
        let raw = try await CLIProcess.run(["show", runID, "--store", "store.sqlite", "--json"], in: work)
        #expect(raw.stdout.contains("{"))

        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).filter { $0.lastPathComponent.hasPrefix("report.") }
        #expect(files.count == 3)
        for file in files { #expect(!(try String(contentsOf: file, encoding: .utf8)).contains(Self.canary), "\(file.lastPathComponent)") }
        for output in [pr.stdout, json.stdout, show.stdout] { #expect(!output.contains(Self.canary)) }
    }

    @Test func anEvalOfAPersonaSuiteWritesAPageWithPassHatKAndFailedTranscripts() async throws {
        // Every answer (agent, simulated user, judge) is the same sentence without the stop token
        // and with a low judge score: every dialogue runs out of turns and is graded a failure.
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("Please open Settings and look there. SCORE: 2"))
        let profile = try Fixtures.copyOfProfile("support")
        let work = profile.deletingLastPathComponent()
        let result = try await CLIProcess.run(
            ["eval", profile.path, "--store", "eval.sqlite", "--limit", "2", "--trials", "2"], in: work,
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let note = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("report: ") })
        let page = try String(contentsOfFile: String(note.dropFirst("report: ".count)), encoding: .utf8)
        #expect(page.contains("<section id=\"personas\""))
        #expect(page.contains("pass^2"))
        #expect(page.contains("class=\"transcript\""))
        #expect(page.contains("Please open Settings and look there."))
        #expect(page.contains("data-chart=\"intervals\""))

        let runs = try await CLIProcess.run(["runs", "--store", "eval.sqlite", "--json"], in: work)
        let runID = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(runs.stdout.utf8)).arrayValue?.first?["id"]?.stringValue)
        let html = try await CLIProcess.run(["report", runID, "--store", "eval.sqlite", "--html"], in: work)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.hasSuffix("/runs/\(runID)/report.html\n"))
    }

    @Test func anAutoresearchRunGetsAPageToo() async throws {
        let reply = "Use lzma at its strongest preset.\n```json\n{\"codec\": \"lzma\", \"level\": 9, \"chunkSize\": 0}\n```"
        let (work, outcome, _) = try await Self.offlineRun("compressor", modelIDs: ["smollm2-135m-instruct"], responder: StubModelServer.fixed(reply))
        let runID = try #require(outcome["runID"]?.stringValue)
        let json = try await CLIProcess.run(["report", runID, "--store", "store.sqlite", "--format", "json"], in: work)
        let model = try JSONDecoder().decode(ReportModel.self, from: Data(json.stdout.utf8))
        #expect(model.kind == "artifact")
        #expect(model.verdict?.decision == "ship")
        #expect(model.candidates.contains { $0.isWinner && $0.searchMean > 0 }, "the kept edit shrinks the output: a positive gain")
        #expect(model.changes.first?.component == "config.json")
        let page = try String(contentsOfFile: try #require(model.files.first { $0.role == "markdown" }?.path).replacingOccurrences(of: "report.md", with: "report.html"), encoding: .utf8)
        for chart in ["intervals", "score-spend", "lineage"] { #expect(page.contains("data-chart=\"\(chart)\""), "\(chart)") }
    }

    @Test func aHeldRunWithoutAWinnerStillGetsAPage() async throws {
        let server = try await StubModelServer.start(responder: StubModelServer.fixed("no idea"))
        let profile = try Fixtures.copyOfProfile("sentiment")
        let result = try await CLIProcess.run(
            ["run", profile.path, "--store", "store.sqlite", "--budget", "120", "--json"], in: profile.deletingLastPathComponent(),
            environment: ["IMPROVE_BASE_URL": server.baseURL.absoluteString])
        await server.stop()
        #expect(result.status == 3, "stderr: \(result.stderr)")
        let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
        let page = try String(contentsOf: ReportFiles.page(besideMarkdown: try #require(outcome["report"]?.stringValue)), encoding: .utf8)
        #expect(page.contains("<span class=\"badge hold\">HOLD</span>"))
        for chart in ["score-spend", "items", "lineage"] { #expect(page.contains("data-chart=\"\(chart)\""), "\(chart)") }
        #expect(!page.contains("<section id=\"change\""), "no winner, no change to show")
    }
}

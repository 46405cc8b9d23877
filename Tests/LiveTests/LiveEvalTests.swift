import Evals
import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// Live evals of the example profiles against the embedded local model, through the real
/// `improve-cli eval` binary. Skipped when IMPROVE_BASE_URL is unset; with
/// IMPROVE_REQUIRE_LIVE=1 an unreachable server fails instead.
@Suite(.enabled(if: LiveEval.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"), .serialized)
struct LiveEvalTests {
    /// Accuracy of the seed sentiment prompt ("Classify the sentiment.", raw input) on all 120
    /// items, measured on 2026-11-22 with SmolLM2-135M-Instruct (temperature 0, seed 1):
    /// 0.058 (7/120) on three runs, identical each time. DESIGN §10 reports 0.04–0.07 for the
    /// same prompt, so the test accepts 0.0–0.15: a jump outside means the scorer, the renderer
    /// or the served model changed.
    static let sentimentAccuracyRange = 0.0...0.15

    @Test func sentimentEvalCompletesWithTheMeasuredAccuracy() async throws {
        try await LiveEval.requireServer()
        let out = try Fixtures.temporaryDirectory("live-eval").appendingPathComponent("report.json")
        let result = try await LiveEval.cli(["eval", "Profiles/sentiment", "--split", "all", "--json", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(ReportView.self, from: Data(contentsOf: out))
        #expect(report.items.count == 120)
        #expect(report.infraErrors == 0)
        let accuracy = try #require(report.passRate?.value)
        #expect(Self.sentimentAccuracyRange.contains(accuracy), "measured accuracy \(accuracy)")
        #expect(report.items.allSatisfy { $0.trace?.output != nil })
    }

    @Test func journaledRerunIsServedFromTheStore() async throws {
        try await LiveEval.requireServer()
        let directory = try Fixtures.temporaryDirectory("live-eval-store")
        let store = directory.appendingPathComponent("store.sqlite").path
        let first = try await LiveEval.cli(["eval", "Profiles/news-topic", "--limit", "10", "--store", store, "--json"])
        let second = try await LiveEval.cli(["eval", "Profiles/news-topic", "--limit", "10", "--store", store, "--json"])
        #expect(first.status == 0 && second.status == 0, "stderr: \(first.stderr) \(second.stderr)")
        let a = try JSONDecoder().decode(ReportView.self, from: Data(first.stdout.utf8))
        let b = try JSONDecoder().decode(ReportView.self, from: Data(second.stdout.utf8))
        #expect(a.items.map(\.score) == b.items.map(\.score))
        #expect(b.items.compactMap { $0.trace?.output } == a.items.compactMap { $0.trace?.output })
    }

    @Test func supportPersonasRunEndToEnd() async throws {
        try await LiveEval.requireServer()
        let result = try await LiveEval.cli(["eval", "Profiles/support", "--split", "holdout", "--trials", "2", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(ReportView.self, from: Data(result.stdout.utf8))
        // Personas are split like items: a holdout eval runs the holdout personas only.
        let bundle = try ProfileBundle.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Profiles/support"))
        let personaIDs = bundle.suite.splitPersonas().holdout.map(\.id)
        #expect(report.personas.map(\.personaID) == personaIDs)
        for persona in report.personas {
            // Every trial is accounted for: graded, or failed on the simulator or infrastructure side.
            #expect(persona.trials + persona.simulatorErrors + persona.infraErrors == 2)
        }
        let dialogues = report.items.filter { $0.itemID.contains("#") }
        #expect(dialogues.count == 2 * personaIDs.count)
        #expect(dialogues.allSatisfy { ($0.trace?.messages.count ?? 0) <= 2 * bundle.suite.simulation.maxTurns + 1 })
    }
}

/// The parts of the eval report these tests read.
struct ReportView: Decodable {
    struct Estimate: Decodable { var value: Double }
    struct Persona: Decodable {
        var personaID: String
        var trials: Int
        var successes: Int
        var simulatorErrors: Int
        var infraErrors: Int
    }
    var items: [ItemResult]
    var passRate: Estimate?
    var infraErrors: Int
    var personas: [Persona]
}

enum LiveEval {
    static var shouldRun: Bool { LiveModel.shouldRun }

    /// Fails (rather than skipping) when the suite was enabled but the server does not answer.
    static func requireServer() async throws {
        guard try await LiveModel.requireOrSkip() != nil else {
            throw LiveModelUnavailable(reason: "the live model at \(LiveModel.baseURL?.absoluteString ?? "(unset)") does not answer GET /models")
        }
    }

    /// Runs the built `improve-cli` in the repository root.
    static func cli(_ arguments: [String]) async throws -> CLIProcess.Result {
        try await CLIProcess.run(arguments, in: Fixtures.repositoryRoot)
    }
}

import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// `improve-cli run Profiles/support` against the embedded local model: the personas are
/// scored, gated and reported inside a run. Skipped when IMPROVE_BASE_URL is unset; with
/// IMPROVE_REQUIRE_LIVE=1 an unreachable server fails instead.
@Suite(.enabled(if: LiveEval.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"), .serialized)
struct LivePersonaRunTests {
    /// A small budget, one trial per persona and two agent replies per dialogue keep the run to
    /// about a minute when the model is not shared (most of it is the holdout's dialogues, which
    /// the budget does not cover).
    static let budget = 16

    @Test func supportRunScoresAndGatesItsPersonas() async throws {
        try await LiveEval.requireServer()
        let directory = try Fixtures.copyOfProfile("support")
        let suite = directory.appendingPathComponent("suite.yaml")
        try Fixtures.edit(suite, replacing: "  maxTurns: 3\n", with: "  maxTurns: 2\n")
        try Fixtures.edit(suite, replacing: "  trials: 2\n", with: "  trials: 1\n")
        let store = directory.appendingPathComponent("store.sqlite").path
        let result = try await CLIProcess.run(["run", directory.path, "--budget", String(Self.budget), "--store", store, "--json"], in: Fixtures.repositoryRoot)
        // Shipped, held or rejected: each is a completed run.
        #expect([0, 3, 4].contains(result.status), "stderr: \(result.stderr)")
        let outcome = try JSONDecoder().decode(OutcomeView.self, from: Data(result.stdout.utf8))
        let holdout = outcome.personas.filter { $0.split == "holdout" }
        #expect(!holdout.isEmpty)
        for persona in holdout {
            #expect(persona.baseline.trials + persona.baseline.simulatorErrors + persona.baseline.infraErrors == 1)
        }
        let report = try String(contentsOfFile: outcome.report, encoding: .utf8)
        #expect(report.contains("## Personas"))
        // The judge's verdicts are journaled scorer steps of the run, visible in `show`.
        let show = try await CLIProcess.run(["show", outcome.runID, "--store", store, "--json"], in: Fixtures.repositoryRoot)
        #expect(show.status == 0, "stderr: \(show.stderr)")
        #expect(show.stdout.contains("scorer"))
        print("live support run: verdict \(outcome.verdict), \(outcome.metricCalls) metric calls, holdout \(outcome.baselineHoldoutMean ?? -1) -> \(outcome.winnerHoldoutMean ?? -1), personas \(holdout.map { "\($0.personaID) \($0.baseline.passHatK) -> \($0.winner?.passHatK ?? [])" })")
    }
}

/// The parts of `improve-cli run --json` this test reads.
struct OutcomeView: Decodable {
    struct Summary: Decodable {
        var trials: Int
        var successes: Int
        var simulatorErrors: Int
        var infraErrors: Int
        var passHatK: [Double]
    }
    struct Persona: Decodable {
        var personaID: String
        var split: String
        var baseline: Summary
        var winner: Summary?
    }
    var runID: String
    var verdict: String
    var metricCalls: Int
    var baselineHoldoutMean: Double?
    var winnerHoldoutMean: Double?
    var report: String
    var personas: [Persona]
}

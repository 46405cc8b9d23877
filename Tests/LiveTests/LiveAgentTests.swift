import Foundation
import ImproveCore
import ImproveTestSupport
import Testing

/// Profiles/support-agent (a Python program) on the embedded model: every unit is answered by
/// the agent, every model call it makes goes through the run's gateway, and a second eval with
/// the same store replays every unit.
@Suite(.enabled(if: LiveEval.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"), .serialized)
struct LiveAgentTests {
    @Test func theSupportAgentAnswersThroughTheGatewayAndASecondEvalReplays() async throws {
        try await LiveEval.requireServer()
        let store = try Fixtures.temporaryDirectory("live-agent").appendingPathComponent("store.sqlite").path
        let arguments = ["eval", "Profiles/support-agent", "--split", "holdout", "--store", store, "--json"]
        let first = try await LiveEval.cli(arguments)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let report = try JSONDecoder().decode(ReportView.self, from: Data(first.stdout.utf8))
        #expect(!report.items.isEmpty)
        // The agent answered every unit (no agent or infrastructure failure), and said so in its trace.
        #expect(report.items.allSatisfy { $0.error == nil }, "\(report.items.compactMap(\.error))")
        // Single-turn items carry the agent's answer and its own trace (persona units the dialogue).
        let items = report.items.filter { !$0.itemID.contains("#") }
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0.trace?.source == .agent && $0.trace?.agentTrace?["retrieved"] != nil })

        let second = try await LiveEval.cli(arguments)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        let again = try JSONDecoder().decode(ReportView.self, from: Data(second.stdout.utf8))
        #expect(again.items.map(\.score) == report.items.map(\.score))
        #expect(again.items.compactMap { $0.trace?.output } == report.items.compactMap { $0.trace?.output })
    }
}

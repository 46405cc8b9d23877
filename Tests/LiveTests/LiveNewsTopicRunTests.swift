import Foundation
import ImproveTestSupport
import Testing

/// `improve-cli run Profiles/news-topic` against the embedded local model, cut down to fit a
/// test: the first 32 articles (about 15 search and 17 holdout items), the model-free
/// `operators` generator (no reflection calls, which cost a minute each on the 135M model)
/// and a budget of 30 metric calls. Skipped when IMPROVE_BASE_URL is unset; with
/// IMPROVE_REQUIRE_LIVE=1 an unreachable server fails instead.
@Suite(.enabled(if: LiveEval.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"), .serialized)
struct LiveNewsTopicRunTests {
    static let budget = 30
    static let articles = 32

    @Test func newsTopicRunProposesTheStackAndScoresHoldout() async throws {
        try await LiveEval.requireServer()
        let directory = try Fixtures.copyOfProfile("news-topic")
        let data = directory.appendingPathComponent("agnews.jsonl")
        let lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").prefix(Self.articles)
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let store = directory.appendingPathComponent("store.sqlite").path
        let started = Date()
        let result = try await CLIProcess.run(
            ["run", directory.path, "--generator", "operators", "--budget", String(Self.budget), "--store", store, "--json"], in: Fixtures.repositoryRoot)
        // Shipped, held or rejected: each is a completed, gated run.
        #expect([0, 3, 4].contains(result.status), "stderr: \(result.stderr)")
        let outcome = try JSONDecoder().decode(NewsOutcome.self, from: Data(result.stdout.utf8))
        #expect(["ship", "hold", "reject"].contains(outcome.verdict))
        #expect(outcome.proposals >= 1)
        // The seed never names a label; the holdout was scored for it all the same.
        #expect(outcome.baselineHoldoutMean == 0)

        let show = try await CLIProcess.run(["show", outcome.runID, "--store", store, "--events", "100", "--json"], in: Fixtures.repositoryRoot)
        #expect(show.status == 0, "stderr: \(show.stderr)")
        let run = try JSONDecoder().decode(NewsShow.self, from: Data(show.stdout.utf8))
        let generators = run.lastEvents.compactMap { $0.payload?.generator }
        // Two edits that each tie at 0 alone are proposed together (issue 10).
        #expect(generators.contains("operator-stack"), "generators proposed: \(generators)")
        #expect(run.candidateList.contains { $0.holdoutScore != nil })
        let seconds = Int(Date().timeIntervalSince(started))
        print("live news-topic run: verdict \(outcome.verdict), \(outcome.metricCalls) metric calls, \(outcome.proposals) proposals (\(generators.joined(separator: ", "))), search \(outcome.baselineSearchMean) -> \(outcome.winnerSearchMean), holdout \(outcome.baselineHoldoutMean ?? -1) -> \(outcome.winnerHoldoutMean ?? -1), \(seconds) s")
    }
}

/// The parts of `improve-cli run --json` this test reads.
private struct NewsOutcome: Decodable {
    var runID: String
    var verdict: String
    var metricCalls: Int
    var proposals: Int
    var baselineSearchMean: Double
    var winnerSearchMean: Double
    var baselineHoldoutMean: Double?
    var winnerHoldoutMean: Double?
}

/// The parts of `improve-cli show --json` this test reads.
private struct NewsShow: Decodable {
    struct Event: Decodable {
        struct Payload: Decodable { var generator: String? }
        var kind: String
        /// Nil for events whose payload is not an object with these fields.
        var payload: Payload?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(String.self, forKey: .kind)
            payload = try? container.decode(Payload.self, forKey: .payload)
        }

        enum CodingKeys: String, CodingKey { case kind, payload }
    }
    struct Listed: Decodable { var holdoutScore: Double? }
    var lastEvents: [Event]
    var candidateList: [Listed]
}

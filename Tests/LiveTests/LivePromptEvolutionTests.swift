import Foundation
import Evals
import Generators
import Improve
import ImproveCore
import ImproveHTTP
import ImproveSQLite
import ImproveTestSupport
import Testing

/// The search loop on `Profiles/sentiment` against the real local model (SmolLM2-135M via
/// llama.cpp), through the parts a run uses: `OpenAICompatibleClient`, the suite's own scorers
/// in `SuiteEvaluator`, a journal in a real SQLite store, the standard prompt-evolution mix.
@Suite("Live prompt evolution", .enabled(if: LiveModel.shouldRun, "IMPROVE_BASE_URL is not set; start the model with scripts/local-model"))
struct LivePromptEvolutionTests {
    @Test("a short prompt-evolution run on Profiles/sentiment stays within budget and records every proposal", .timeLimit(.minutes(30)))
    func shortRun() async throws {
        guard let live = try await LiveModel.requireOrSkip() else { return }
        let inputs = try ImproveInputs(bundle: ProfileBundle.load(directory: Fixtures.repositoryRoot.appendingPathComponent("Profiles/sentiment")))
        var config = ProviderConfig.builtIns["local"] ?? ProviderConfig(name: "local", kind: .openai, baseURL: nil)
        config.timeoutSeconds = 300
        let client = UsageCountingModelClient(OpenAICompatibleClient(config: config, baseURL: live))
        let store = try SQLiteRunStore(path: try Fixtures.temporaryDirectory("live-evolution").appendingPathComponent("live.sqlite").path)
        let spec = RunSpec(
            dedupeKey: "live-prompt-evolution", seed: 2026, profileName: "sentiment", profileHash: inputs.profile.contentHash,
            surface: "prompt", generator: "prompt-evolution", config: [:], policy: [:])
        let runID = try await store.openRun(spec, workerID: "live").run.id
        let journal = try await store.journal(runID: runID, workerID: "live")
        let evaluator = try inputs.makeEvaluator(JournaledModelClient(client, journal: journal), RoleClients([:]), journal)
        let reflection = inputs.policy.model(for: "reflection", task: inputs.profile.model)

        let search = Array(inputs.search.prefix(20))
        let budget = Budget(metricCalls: 60)
        let engine = SearchEngine(
            base: inputs.profile, surface: PromptSurface(), search: SearchSet(items: search), evaluator: evaluator,
            generator: CompositeGenerator.standard(reflectionModel: reflection), reflectionModel: JournaledModelClient(client, journal: journal),
            budget: budget, settings: SearchSettings(seed: 2026, minibatchSize: 3, maxConsecutiveFailures: 12, maxComponentLength: 2000),
            options: SearchOptions(split: .disjoint(valFraction: 0.5)),
            checkpoint: { event in
                if case .proposal(let record, _) = event {
                    FileHandle.standardError.write(Data("LIVE progress #\(record.iteration) \(record.generator) \(record.reason)\n".utf8))
                }
            })
        let result = try await engine.run()

        #expect(result.spend.metricCalls <= 60)
        #expect(!result.proposals.isEmpty)
        #expect(result.proposals.map(\.metricCalls).reduce(0, +) + result.split.validation.count == result.spend.metricCalls)
        let seed = result.pool[0]
        let best = try #require(result.best)
        #expect(best.meanScore >= seed.meanScore)
        // Every call of the run went through the journal: evaluating the seed on the validation
        // items again, as a resumed run would (a new journal on the same run), pays nothing.
        let resumed = try await inputs.makeEvaluator(
            JournaledModelClient(client, journal: try store.journal(runID: runID, workerID: "live-resumed")), RoleClients([:]), journal)
        let callsBefore = client.callCount
        _ = try await resumed.evaluate(inputs.profile, on: result.split.validation)
        #expect(client.callCount == callsBefore)

        // For the closing note (outside the budget): both prompts on all 20 search items.
        let mean = { (results: [ItemResult]) in results.map(\.score).reduce(0, +) / Double(max(results.count, 1)) }
        let before = mean(try await resumed.evaluate(inputs.profile, on: search))
        let after = mean(try await resumed.evaluate(try PromptSurface().apply(best.candidate.components, to: inputs.profile), on: search))
        print("LIVE sentiment validation mean: seed \(seed.meanScore) -> best \(best.meanScore); all \(search.count) search items: \(before) -> \(after)")
        print("LIVE proposals: \(result.proposals.count), accepted: \(result.proposals.filter(\.accepted).count), spend: \(result.spend.metricCalls) metric calls, stop: \(result.stop)")
        for record in result.proposals {
            print("LIVE #\(record.iteration) \(record.generator.isEmpty ? "-" : record.generator) [\(record.changedComponents.joined(separator: ","))] \(record.parentScores) -> \(record.childScores): \(record.reason)")
        }
        print("LIVE best components: \(best.candidate.components)")
    }
}

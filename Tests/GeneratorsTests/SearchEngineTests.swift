import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

@Suite("SearchEngine")
struct SearchEngineTests {
    @Test("stops exactly at the metric-call budget, never over", arguments: [5, 8, 13, 27, 40, 61])
    func budgetExactness(limit: Int) async throws {
        let evaluator = ScriptedEvaluator(Fixtures.lengthScorer)
        let engine = Fixtures.engine(
            evaluator: evaluator, generator: ReflectiveGenerator(model: Fixtures.model), model: Fixtures.exclaimingModel(),
            budget: Budget(metricCalls: limit), maxFailures: 1000)
        let result = try await engine.run()
        #expect(result.spend.metricCalls <= limit)
        #expect(evaluator.log.count == result.spend.metricCalls)
        guard case .budget(let needed, let left) = result.stop else {
            Issue.record("expected a budget stop, got \(result.stop)")
            return
        }
        // It stopped because the next evaluation did not fit, not earlier.
        #expect(left == limit - result.spend.metricCalls)
        #expect(needed > (left ?? 0))
        #expect(result.proposals.map(\.metricCalls).reduce(0, +) + 5 == result.spend.metricCalls)
    }

    @Test("never scores a (candidate, item) pair twice")
    func noRescoring() async throws {
        let evaluator = ScriptedEvaluator(Fixtures.exclamationScorer)
        let engine = Fixtures.engine(
            evaluator: evaluator, generator: ReflectiveGenerator(model: Fixtures.model), model: Fixtures.exclaimingModel(),
            budget: Budget(metricCalls: 120), maxFailures: 1000)
        let result = try await engine.run()
        let keys = evaluator.log.map { "\($0.profile)|\($0.item)" }
        #expect(Set(keys).count == keys.count)
        #expect(result.proposals.contains { $0.accepted })
        // The seed is the parent of the first proposal and was scored on validation only;
        // its minibatch items (feedback pool) were paid for once, inside that proposal.
        #expect(result.proposals.first.map(\.metricCalls) ?? 0 > 0)
    }

    @Test("an improving child is accepted and scored on the whole validation pool")
    func acceptance() async throws {
        let evaluator = ScriptedEvaluator(Fixtures.lengthScorer)
        let engine = Fixtures.engine(
            evaluator: evaluator, generator: ReflectiveGenerator(model: Fixtures.model), model: Fixtures.exclaimingModel(),
            budget: Budget(metricCalls: 200), maxFailures: 5, options: SearchOptions(maxIterations: 6))
        let result = try await engine.run()
        let accepted = result.proposals.filter(\.accepted)
        #expect(!accepted.isEmpty)
        for record in accepted {
            #expect(record.childScores.reduce(0, +) > record.parentScores.reduce(0, +))
            let member = try #require(result.pool.first { $0.id == record.child })
            #expect(Set(member.results.keys) == Set(result.split.validation.map(\.id)))
        }
        #expect(try #require(result.best).meanScore > result.pool[0].meanScore)
    }

    @Test("a child that only ties its parent is rejected, and repeated failures stop the run")
    func strictAcceptance() async throws {
        let evaluator = ScriptedEvaluator { _, _ in 0.5 }
        let generator = ListGenerator((1...10).map { "Variant \($0)." })
        let engine = Fixtures.engine(evaluator: evaluator, generator: generator, model: Fixtures.exclaimingModel(), budget: Budget(metricCalls: 500), maxFailures: 4)
        let result = try await engine.run()
        #expect(result.stop == .consecutiveFailures(4))
        #expect(result.proposals.count == 4)
        #expect(result.proposals.allSatisfy { !$0.accepted && $0.reason.hasPrefix("rejected: minibatch sum") })
        #expect(result.pool.count == 1)
    }

    @Test("a rejected text is never evaluated again and is shown in the next reflection prompt")
    func rejectedEditMemory() async throws {
        let evaluator = ScriptedEvaluator { _, _ in 0 }
        let model = ScriptedModelClient { _ in "```\nBe terse.\n```" }
        let engine = Fixtures.engine(evaluator: evaluator, generator: ReflectiveGenerator(model: Fixtures.model), model: model, budget: Budget(metricCalls: 500), maxFailures: 5, surface: SystemOnlySurface())
        let result = try await engine.run()
        let scoredTerse = evaluator.log.filter { $0.profile.hasPrefix("Be terse.") }
        #expect(scoredTerse.count == 3) // one minibatch, once
        #expect(result.proposals[0].reason.hasPrefix("rejected: minibatch sum"))
        #expect(result.proposals.dropFirst().allSatisfy { $0.reason.contains("repeats an edit already rejected") && $0.childScores.isEmpty })
        let secondPrompt = try #require(model.calls.dropFirst().first?.messages.last?.content)
        #expect(secondPrompt.contains("already tried"))
        #expect(secondPrompt.contains("Be terse."))
        #expect(!(model.calls.first?.messages.last?.content.contains("already tried") ?? true))
    }

    @Test("invalid proposals are rejected without spending metric calls")
    func invalidProposals() async throws {
        let evaluator = ScriptedEvaluator { _, _ in 0 }
        let tooLong = String(repeating: "x", count: 401)
        let generator = ListGenerator(["   ", tooLong, "Classify the sentiment."])
        let engine = Fixtures.engine(evaluator: evaluator, generator: generator, model: Fixtures.exclaimingModel(), budget: Budget(metricCalls: 500), maxFailures: 50)
        let result = try await engine.run()
        let reasons = result.proposals.map(\.reason)
        #expect(reasons.count == 4)
        #expect(reasons[0].contains("is empty"))
        #expect(reasons[1].contains("over the cap of 400"))
        #expect(reasons[2].contains("identical to its parent"))
        #expect(result.stop == .generatorsExhausted(reason: "list done"))
        // Only parent minibatches were scored: no child ever reached the evaluator.
        #expect(evaluator.log.allSatisfy { $0.profile.hasPrefix("Classify the sentiment.") })
    }

    @Test("a truncated reflection reply is not adopted")
    func truncatedReply() async throws {
        let evaluator = ScriptedEvaluator { _, _ in 0 }
        let engine = Fixtures.engine(evaluator: evaluator, generator: ReflectiveGenerator(model: Fixtures.model), model: TruncatingClient(text: "```\nHalf an instr"), budget: Budget(metricCalls: 500), maxFailures: 3)
        let result = try await engine.run()
        #expect(result.proposals.count == 3)
        #expect(result.proposals.allSatisfy { $0.reason.contains("cut off") && $0.child == nil })
        #expect(result.proposals[0].reflectionUsage == Usage(inputTokens: 10, outputTokens: 5))
        #expect(evaluator.log.allSatisfy { !$0.profile.contains("Half") })
    }

    @Test("the same seed gives the same proposals log; another seed differs")
    func determinism() async throws {
        func run(_ seed: UInt64) async throws -> [ProposalRecord] {
            let engine = Fixtures.engine(
                evaluator: ScriptedEvaluator(Fixtures.exclamationScorer), generator: CompositeGenerator.standard(reflectionModel: Fixtures.model),
                model: Fixtures.exclaimingModel(), budget: Budget(metricCalls: 90), seed: seed, maxFailures: 20)
            return try await engine.run().proposals
        }
        let first = try await run(11)
        let second = try await run(11)
        let other = try await run(12)
        #expect(!first.isEmpty)
        #expect(first == second)
        #expect(first.map(\.minibatch) != other.map(\.minibatch))
    }

    @Test("the checkpoint hook sees the baseline, every proposal and the stop")
    func checkpointEvents() async throws {
        let events = EventLog()
        let engine = Fixtures.engine(
            evaluator: ScriptedEvaluator(Fixtures.exclamationScorer), generator: ReflectiveGenerator(model: Fixtures.model),
            model: Fixtures.exclaimingModel(), budget: Budget(metricCalls: 40), maxFailures: 100,
            checkpoint: { event in events.append(event) })
        let result = try await engine.run()
        let kinds = events.kinds
        #expect(kinds.first == "baseline")
        #expect(kinds.last == "stopped")
        #expect(kinds.filter { $0 == "proposal" }.count == result.proposals.count)
    }

    @Test("the split is deterministic and disjoint; shared mode uses every item for both")
    func split() {
        let search = SearchSet(items: Fixtures.items(10))
        let a = SearchSplit(search, mode: .disjoint(valFraction: 0.3), seed: 5)
        let b = SearchSplit(SearchSet(items: search.items.reversed()), mode: .disjoint(valFraction: 0.3), seed: 5)
        #expect(a == b)
        #expect(a.validation.count == 3 && a.feedback.count == 7)
        #expect(Set(a.validation.map(\.id)).isDisjoint(with: a.feedback.map(\.id)))
        let shared = SearchSplit(search, mode: .shared, seed: 5)
        #expect(shared.validation == search.items && shared.feedback == search.items)
    }

    @Test("stop reasons read as sentences, with no Swift optionals in them")
    func stopReasonsReadAsSentences() {
        #expect(StopReason.budget(needed: 36, left: 11).description == "budget: the next evaluation needed 36 metric calls, 11 were left")
        #expect(String(describing: StopReason.budget(needed: 8, left: nil)).contains("token or cost limit"))
        for reason in [StopReason.budget(needed: 1, left: nil), .consecutiveFailures(3), .generatorsExhausted(reason: "none"), .maxIterations(9)] {
            #expect(!reason.description.contains("Optional") && !reason.description.contains("("), "\(reason.description)")
        }
    }
}

/// Only the system prompt, so a reflection loop has one component to work on.
struct SystemOnlySurface: Surface {
    var kind: SurfaceKind { .prompt }
    func components(of profile: AgentProfile) -> [String: String] { ["systemPrompt": profile.systemPrompt] }
    func apply(_ components: [String: String], to profile: AgentProfile) throws -> AgentProfile {
        try PromptSurface().apply(components, to: profile)
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String] = []
    func append(_ event: SearchEvent) {
        let name: String
        switch event {
        case .baseline: name = "baseline"
        case .proposal: name = "proposal"
        case .stopped: name = "stopped"
        }
        lock.withLock { names.append(name) }
    }
    var kinds: [String] { lock.withLock { names } }
}

@Suite("Ranking")
struct RankingTests {
    @Test("ranked by validation mean, then fewer characters, then id")
    func ranking() {
        let long = Fixtures.scored(["systemPrompt": "a much longer prompt"], scores: [1, 0])
        let short = Fixtures.scored(["systemPrompt": "short"], scores: [0, 1])
        let best = Fixtures.scored(["systemPrompt": "the best one of all"], scores: [1, 1])
        let twinA = Fixtures.scored(["systemPrompt": "xxxxx"], scores: [0, 0])
        let twinB = Fixtures.scored(["systemPrompt": "yyyyy"], scores: [0, 0])
        let ranked = [twinB, long, twinA, short, best].rankedByValidation().map(\.id)
        let twins = [twinA.id, twinB.id].sorted()
        #expect(ranked == [best.id, short.id, long.id] + twins)
    }
}

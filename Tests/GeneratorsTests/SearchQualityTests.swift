import Foundation
import ImproveCore
import Testing
@testable import Generators

/// Issue 10: search beyond the demo task (gains that need two components, validation
/// means stuck at 0, noisy rollouts, parallel proposals, budgets too small to show a gain).
@Suite("Search quality")
struct SearchQualityTests {
    static func engine(
        evaluator: any ProfileEvaluator, generator: any CandidateGenerator, budget: Int, seed: UInt64 = 7,
        rollouts: Int = 1, parallelProposals: Int = 1, maxFailures: Int = 8, items: [EvalItem] = Fixtures.items(10)
    ) -> SearchEngine {
        SearchEngine(
            base: Fixtures.profile(), surface: PromptSurface(), search: SearchSet(items: items), evaluator: evaluator,
            generator: generator, reflectionModel: Fixtures.exclaimingModel(), budget: Budget(metricCalls: budget),
            settings: SearchSettings(
                seed: seed, minibatchSize: 3, maxConsecutiveFailures: maxFailures, maxComponentLength: 400,
                rollouts: rollouts, parallelProposals: parallelProposals))
    }

    /// 1 only when the system prompt names the labels AND the template ends in an answer cue.
    static let needsBoth: ScriptedEvaluator.Scorer = { profile, _ in
        let toldLabels = profile.systemPrompt.contains("positive") && profile.systemPrompt.contains("negative")
        let cued = profile.userTemplate.hasSuffix(":")
        return toldLabels && cued ? 1 : 0
    }

    @Test("a gain that needs both components changed together is found by composition, and not without it")
    func twoComponentGain() async throws {
        let singles: [(generator: any CandidateGenerator, weight: Double)] = [
            (FormatConstraintOperator(), 2), (CompletionTemplateOperator(), 2), (MergeGenerator(), 1),
        ]
        let without = try await Self.engine(evaluator: ScriptedEvaluator(Self.needsBoth), generator: CompositeGenerator(singles), budget: 200).run()
        // Each single edit ties its parent at 0 and is rejected; nothing ever combines them.
        #expect(try #require(without.best).meanScore == 0)

        let with = try await Self.engine(
            evaluator: ScriptedEvaluator(Self.needsBoth), generator: CompositeGenerator(singles + [(StackedOperators(), 2)]), budget: 200
        ).run()
        let best = try #require(with.best)
        #expect(best.meanScore == 1)
        #expect(changedComponents(best.candidate, from: with.pool[0].candidate) == ["systemPrompt", "userTemplate"])
    }

    @Test("the stack starts from every operator's best edit and walks outwards through pairs not yet tried")
    func stackOrder() async throws {
        #expect(StackedOperators.rankCombinations([2, 3]) == [[0, 0], [0, 1], [1, 0], [0, 2], [1, 1], [1, 2]])
        let seed = Fixtures.scored(["systemPrompt": "Classify the sentiment.", "userTemplate": "{{input}}"], scores: [0])
        var rng = SeededRandom(seed: 1)
        var seen: Set<String> = []
        var stacks: [Candidate] = []
        for _ in 0..<3 {
            let proposal = try await StackedOperators().propose(Fixtures.context(parent: seed, seen: seen), model: Fixtures.exclaimingModel(), rng: &rng)
            guard case .candidates(let children) = proposal, let child = children.first else {
                Issue.record("expected a stack, got \(proposal)")
                return
            }
            #expect(changedComponents(child, from: seed.candidate) == ["systemPrompt", "userTemplate"])
            stacks.append(child)
            seen.insert(child.id)
        }
        #expect(Set(stacks.map(\.id)).count == 3)
        #expect(stacks[0].components["systemPrompt"] == "Classify the sentiment. Answer with exactly one word: negative or positive.")
        // Two labels: the member's own order (the task-noun cue first).
        #expect(stacks[0].components["userTemplate"] == "Text: {{input}}\nSentiment:")
        // More than two: the edits that name every label come first.
        let parent = Candidate(components: ["userTemplate": "{{input}}"], generator: "seed")
        let plain = Candidate(components: ["userTemplate": "Text: {{input}}\nAnswer:"], generator: "t")
        let labelled = Candidate(components: ["userTemplate": "Text: {{input}}\nAnswer (A, B or C):"], generator: "t")
        #expect(StackedOperators.labelsFirst([plain, labelled], parent: parent, labels: ["A", "B", "C"]).map(\.id) == [labelled.id, plain.id])
        #expect(StackedOperators.labelsFirst([plain, labelled], parent: parent, labels: ["A", "B"]).map(\.id) == [plain.id, labelled.id])
    }

    @Test("merge fires on a small pool whose frontier collapsed to one candidate")
    func mergeOnCollapsedFrontier() async throws {
        let seed = Fixtures.scored(["systemPrompt": "a", "userTemplate": "{{input}}"], scores: [0, 0])
        let left = Fixtures.scored(["systemPrompt": "b", "userTemplate": "{{input}}"], parents: [seed.id], scores: [0, 0])
        let right = Fixtures.scored(["systemPrompt": "a", "userTemplate": "Text: {{input}}"], parents: [seed.id], scores: [0, 0])
        let pool = [seed, left, right]
        // Every score ties at 0, so GEPA's frontier keeps a single survivor.
        #expect(ParetoFrontier(scores: pool.reduce(into: [:]) { $0[$1.id] = $1.results.mapValues(\.score) }, items: ["v0", "v1"]).ids.count == 1)
        var rng = SeededRandom(seed: 3)
        let proposal = try await MergeGenerator().propose(Fixtures.context(parent: left, pool: pool), model: Fixtures.exclaimingModel(), rng: &rng)
        guard case .candidates(let children) = proposal, let child = children.first else {
            Issue.record("expected a merge, got \(proposal)")
            return
        }
        #expect(child.components == ["systemPrompt": "b", "userTemplate": "Text: {{input}}"])
    }

    @Test("when every validation mean is 0, ranking and the frontier follow the pairs already won")
    func zeroValidationMeans() async throws {
        let items = Fixtures.items(10)
        let validation = Set(SearchSplit(SearchSet(items: items), mode: .disjoint(valFraction: 0.5), seed: 7).validation.map(\.id))
        // Validation items are never solved; each "!" solves more feedback items.
        let evaluator = ScriptedEvaluator { profile, item in
            validation.contains(item.id) ? 0 : Fixtures.exclamationScorer(profile, item)
        }
        let generator = ListGenerator(["Classify the sentiment, please!", "Classify the sentiment, please!!!!!!!!!"])
        let result = try await Self.engine(evaluator: evaluator, generator: generator, budget: 200, maxFailures: 3).run()
        #expect(result.pool.count >= 2)
        #expect(result.pool.allSatisfy { $0.meanScore == 0 })
        let best = try #require(result.best)
        // The old order (shortest text on a tie) kept the seed; the pairs won elsewhere decide now.
        #expect(best.id != result.pool[0].id)
        #expect(best.candidate.components["systemPrompt"]?.hasSuffix("!") == true)

        let tied: [String: [String: Double]] = ["a": ["v": 0], "b": ["v": 0], "c": ["v": 0]]
        #expect(ParetoFrontier(scores: tied, items: ["v"], tieBreak: ["a": 0.5, "b": 0.1, "c": 0]).ids == ["a"])
    }

    @Test("rollouts score the mean of the runs, never the best, and each run is a metric call")
    func rolloutsAverage() async throws {
        let evaluator = AlternatingEvaluator()
        let result = try await Self.engine(evaluator: evaluator, generator: ListGenerator([]), budget: 100, rollouts: 3).run()
        let baseline = result.pool[0]
        // Runs score 1, 0, 0 for every item: the mean is 1/3, the best would be 1.
        #expect(baseline.results.values.allSatisfy { abs($0.score - 1.0 / 3) < 1e-9 })
        #expect(baseline.results.values.allSatisfy { $0.passed == false })
        #expect(evaluator.calls == result.spend.metricCalls)
        #expect(result.spend.metricCalls == 3 * result.split.validation.count + result.proposals.map(\.metricCalls).reduce(0, +))

        let combined = RolloutMean.combine([
            [ItemResult(itemID: "x", score: 0.2, passed: false)], [ItemResult(itemID: "x", score: 1, passed: true)],
        ])
        #expect(combined.map(\.score) == [0.6])
    }

    @Test("parallel proposals give the same outcome whatever order their evaluations finish in", arguments: [2, 3])
    func parallelDeterminism(width: Int) async throws {
        func run(scrambled: Bool) async throws -> SearchResult {
            let evaluator = ScrambledEvaluator(scrambled: scrambled, scorer: Fixtures.lengthScorer)
            return try await Self.engine(
                evaluator: evaluator, generator: ReflectiveGenerator(model: Fixtures.model), budget: 90, parallelProposals: width, maxFailures: 50
            ).run()
        }
        let plain = try await run(scrambled: false)
        let scrambled = try await run(scrambled: true)
        #expect(plain.proposals == scrambled.proposals)
        #expect(plain.pool.map(\.id) == scrambled.pool.map(\.id))
        #expect(plain.spend == scrambled.spend)
        #expect(plain.spend.metricCalls <= 90)
        #expect(plain.proposals.contains { $0.accepted })
        // Several proposals per iteration really happened.
        #expect(Dictionary(grouping: plain.proposals, by: \.iteration).values.contains { $0.count > 1 })
    }

    @Test("the budget floor fires when the budget pays for fewer than three proposals, and names the budget that would")
    func budgetFloor() throws {
        let search = SearchSet(items: Fixtures.items(10))
        let settings = SearchSettings(minibatchSize: 3)
        // 5 validation items: baseline 5, each proposal up to 3 + 3 + 5 = 11.
        let low = try #require(BudgetFloor(budget: Budget(metricCalls: 30), search: search, settings: settings))
        #expect(low.isTooLow)
        #expect(low.affordableProposals == 2)
        #expect(low.neededForWanted == 38)
        #expect(low.warning.contains("at least 38"))
        let enough = try #require(BudgetFloor(budget: Budget(metricCalls: 38), search: search, settings: settings))
        #expect(!enough.isTooLow)
        var noisy = settings
        noisy.rollouts = 2
        #expect(BudgetFloor(budget: Budget(metricCalls: 38), search: search, settings: noisy)?.isTooLow == true)
        #expect(BudgetFloor(budget: Budget(tokens: 10), search: search, settings: settings) == nil)
    }
}

/// Scores the k-th evaluation of a (profile, item) pair 1 when k is 0 mod 3, else 0.
final class AlternatingEvaluator: ProfileEvaluator, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Int] = [:]
    private var total = 0

    var calls: Int { lock.withLock { total } }

    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        lock.withLock {
            items.map { item in
                let key = profile.systemPrompt + "\u{1}" + item.id
                let index = seen[key, default: 0]
                seen[key] = index + 1
                total += 1
                let score: Double = index % 3 == 0 ? 1 : 0
                return ItemResult(itemID: item.id, score: score, passed: score >= 1, feedback: "run \(index)")
            }
        }
    }
}

/// Scores like ``ScriptedEvaluator`` but, when `scrambled`, yields a number of times that
/// depends on the profile text, so concurrent evaluations finish in a different order.
struct ScrambledEvaluator: ProfileEvaluator {
    let scrambled: Bool
    let scorer: ScriptedEvaluator.Scorer

    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        if scrambled {
            for _ in 0..<(200 - profile.systemPrompt.count % 200) { await Task.yield() }
        }
        return items.map { item in
            let score = scorer(profile, item)
            return ItemResult(itemID: item.id, score: score, passed: score >= 1, feedback: "score \(score)")
        }
    }
}

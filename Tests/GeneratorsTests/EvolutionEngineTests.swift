import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Generators

/// Scores a strategy by its "+" marks (item i passes when there are more marks than i % 10) and
/// charges one token per character of strategy per item, so longer texts cost more.
final class StrategyEvaluator: ProfileEvaluator, @unchecked Sendable {
    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        let strategy = profile.strategy ?? ""
        let marks = strategy.filter { $0 == "+" }.count
        return items.map { item in
            let index = Int(item.id.suffix(2)) ?? 0
            let score: Double = marks > index % 10 ? 1 : 0
            let trace = RolloutTrace(messages: [], output: score >= 1 ? "right" : "wrong", usage: Usage(inputTokens: strategy.count, outputTokens: 1), servedModel: "stub", latencyMs: 0, source: "stub")
            return ItemResult(itemID: item.id, score: score, passed: score >= 1, feedback: score >= 1 ? "" : "missed", trace: trace)
        }
    }
}

/// Slot 0 adds a mark to its parent; slot 1 always writes one mark plus padding (the score of
/// "Think.+" at more tokens); slot 2 adds words only (no better than its parent). Every brief it
/// receives is kept.
final class ScriptedAuthor: StrategyAuthor, @unchecked Sendable {
    let name = "scripted-author"
    private let lock = NSLock()
    private var received: [AuthorBrief] = []
    var briefs: [AuthorBrief] { lock.withLock { received } }

    func write(_ brief: AuthorBrief, model: any ModelClient) async throws -> AuthoredText? {
        lock.withLock { received.append(brief) }
        switch brief.slot {
        case 0: return AuthoredText(text: brief.current + "+", rationale: "one more mark")
        case 1: return AuthoredText(text: "Think.+ with a long and costly explanation", rationale: "a mark, explained")
        default: return AuthoredText(text: brief.current + " again", rationale: "words only")
        }
    }
}

@Suite struct EvolutionEngineTests {
    static func run(seed: UInt64 = 3, author: ScriptedAuthor = ScriptedAuthor(), generations: Int = 3, budget: Int = 1000) async throws -> EvolutionResult {
        let base = AgentProfile(name: "t", model: Fixtures.model, systemPrompt: "Do the task.", strategy: "Think.")
        let settings = EvolutionSettings(population: 4, generations: generations, elites: 1, tieTolerance: 0.01, lossesShown: 2)
        return try await EvolutionEngine(
            base: base, surface: StrategySurface(), search: SearchSet(items: Fixtures.items(10)), evaluator: StrategyEvaluator(),
            author: author, authorClient: ScriptedModelClient { _ in "unused" }, settings: settings, seed: seed, budget: Budget(metricCalls: budget)
        ).run()
    }

    @Test func generationsAdvanceAndElitesSurvive() async throws {
        let result = try await Self.run()
        #expect(result.generations.map(\.generation) == [0, 1, 2, 3])
        #expect(result.stop == .generationsCompleted(3))
        for (previous, next) in zip(result.generations, result.generations.dropFirst()) {
            // The elite carried over is the previous generation's cost-aware best member...
            let ranked = CostAwareRanking(tolerance: 0.01).ranked(result.scored.filter { previous.members.contains($0.id) })
            #expect(next.elites == [try #require(ranked.first).id])
            #expect(next.members.first == next.elites.first)
            // ...so the best score never drops, and new children join it.
            #expect(next.best >= previous.best)
            #expect(next.members.count > 1 && next.members.count <= 4)
        }
        #expect(try #require(result.generations.last).best > result.generations[0].best)
    }

    @Test func theChampionTieBreakPicksTheCheaperCandidate() async throws {
        let result = try await Self.run(generations: 1)
        let champion = try #require(result.champion)
        let children = result.scored.dropFirst()
        let padded = try #require(children.first { $0.candidate.components["strategy"]?.contains("costly") == true })
        #expect(padded.meanScore == champion.meanScore, "both add one mark: a tie")
        #expect(champion.candidate.components["strategy"] == "Think.+")
        #expect(CandidateCost(results: Array(champion.results.values)).isCheaper(than: CandidateCost(results: Array(padded.results.values))))

        // Outside the tolerance the better mean wins even when it costs more.
        let cheapWorse = ScoredCandidate(candidate: Candidate(components: ["strategy": "a"], generator: "t"), results: ["x": ItemResult(itemID: "x", score: 0.5, trace: Self.trace(tokens: 1))])
        let dearBetter = ScoredCandidate(candidate: Candidate(components: ["strategy": "b"], generator: "t"), results: ["x": ItemResult(itemID: "x", score: 0.6, trace: Self.trace(tokens: 90))])
        #expect(CostAwareRanking(tolerance: 0.05).ranked([cheapWorse, dearBetter]).first?.id == dearBetter.id)
        #expect(CostAwareRanking(tolerance: 0.2).ranked([dearBetter, cheapWorse]).first?.id == cheapWorse.id)
    }

    @Test func theLineageIsCompleteAndTheAuthorSeesLossesAndRejections() async throws {
        let author = ScriptedAuthor()
        let result = try await Self.run(author: author)
        #expect(result.lineage.first?.status == .seed)
        #expect(result.lineage.count == 1 + author.briefs.count)
        var known: Set<String> = []
        for entry in result.lineage {
            if entry.status != .seed {
                #expect(entry.parents.count == 1 && known.contains(entry.parents[0]), "parent of \(entry.candidateID) born earlier")
                #expect(!entry.rationale.isEmpty)
                #expect(entry.generation >= 1)
            }
            if entry.status != .rejected {
                #expect(entry.searchScore != nil && entry.cost != nil)
                known.insert(entry.candidateID)
            }
        }
        #expect(Set(result.scored.map(\.id)) == known)
        // Every brief shows only items its parent lost; attempts that did not help come back.
        for brief in author.briefs {
            let parent = try #require(result.scored.first { $0.id == brief.parentID })
            #expect(brief.losses.allSatisfy { (parent.results[$0.itemID]?.score ?? 0) < 1 })
            #expect(brief.losses.count <= 2)
        }
        let firstNotBetter = try #require(result.lineage.firstIndex { $0.status == .notBetter })
        let laterBriefs = author.briefs.filter { $0.generation > result.lineage[firstNotBetter].generation }
        #expect(!laterBriefs.isEmpty && laterBriefs.allSatisfy { !$0.rejected.isEmpty })
    }

    @Test func theSameSeedGivesTheSameLineageAndTheBudgetStopsIt() async throws {
        let first = try await Self.run(seed: 11)
        let second = try await Self.run(seed: 11)
        #expect(first.lineage == second.lineage)
        #expect(first.generations == second.generations)

        let short = try await Self.run(budget: 35)
        #expect(short.spend.metricCalls <= 35)
        #expect(short.stop == .budget(needed: 10, left: 5))
    }

    static func trace(tokens: Int) -> RolloutTrace {
        RolloutTrace(messages: [], output: "", usage: Usage(inputTokens: tokens), servedModel: "stub", latencyMs: 0, source: "stub")
    }
}

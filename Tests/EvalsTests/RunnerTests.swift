import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Evals

/// A model whose answers arrive out of order: item k's answer waits until every later item has
/// been asked, so completion order is the reverse of submission order within a window.
private actor Gate {
    var asked: Set<String> = []
    func ask(_ id: String) { asked.insert(id) }
    func seen(_ id: String) -> Bool { asked.contains(id) }
}

private struct ReorderingClient: ModelClient {
    let gate = Gate()
    let window: [String]

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let text = request.messages.last?.content ?? ""
        await gate.ask(text)
        if let index = window.firstIndex(of: text), index + 1 < window.count {
            while await !gate.seen(window[index + 1]) { await Task.yield() }
        }
        if text.hasPrefix("boom") { throw ModelError.exhausted(provider: "local", attempts: 3, last: "connection reset") }
        return ChatResponse(text: text.hasPrefix("good") ? "positive" : "negative", servedModel: request.model.id, source: "stub")
    }
}

@Suite struct RunnerTests {
    let scorers = [ScorerConfig(type: "label", params: ["labels": ["positive", "negative"]])]

    @Test func resultsComeBackInItemOrderWhateverTheCompletionOrder() async throws {
        let inputs = ["good 0", "bad 1", "good 2", "bad 3"]
        let items = inputs.enumerated().map { item("i\($0.offset)", $0.element, expected: $0.element.hasPrefix("good") ? "positive" : "negative") }
        let counter = Counter()
        let evaluator = try SuiteEvaluator(client: ReorderingClient(window: inputs), scorers: scorers, concurrency: 4, progress: { done, total in counter.record(done, total) })
        let results = try await evaluator.evaluate(profile(), on: items)
        #expect(results.map(\.itemID) == ["i0", "i1", "i2", "i3"])
        #expect(results.allSatisfy { $0.passed == true })
        #expect(counter.values == [1, 2, 3, 4].map { [$0, 4] })
        #expect(results[0].trace?.messages == [.system("Classify the sentiment."), .user("good 0")])
    }

    @Test func infraErrorsBecomeZeroScoreResultsCountedApart() async throws {
        let items = [item("a", "good", expected: "positive"), item("b", "boom", expected: "positive"), item("c", "bad", expected: "negative")]
        let evaluator = try SuiteEvaluator(client: ReorderingClient(window: []), scorers: scorers, concurrency: 2)
        let results = try await evaluator.evaluate(profile(), on: items)
        #expect(results.map(\.itemID) == ["a", "b", "c"])
        #expect(results[1].error?.contains("connection reset") == true)
        #expect(results[1].score == 0)
        #expect(results[1].passed == nil)
        let report = try EvalReport(items: results, profile: profile(), suite: Suite(name: "s", file: "/tmp/s.yaml", items: items, scorers: scorers, split: SplitPlan()), split: "all", wallTimeSeconds: 0)
        #expect(report.infraErrors == 1)
        #expect(report.passRate?.n == 2)
        #expect(report.overall?.value == 1)
    }

    @Test func aPolicyBreachStopsTheRunInsteadOfScoringZero() async throws {
        let guarded = GuardedModelClient(ScriptedModelClient { _ in "positive" }, allowed: AllowedModels(["local/other"]))
        let evaluator = try SuiteEvaluator(client: guarded, scorers: scorers)
        await #expect(throws: ModelError.self) { try await evaluator.evaluate(profile(), on: [item("a", expected: "positive")]) }
    }

    @Test func skillsAndItemFieldsAreRendered() {
        var agent = profile("Be kind.", template: "Q({{id}}): {{input}} [{{lang}}]")
        agent.skills = [Skill(name: "tone", description: "How to sound", body: "Warm.")]
        let messages = PromptRenderer.messages(for: agent, item: EvalItem(id: "q7", fields: ["input": "hi", "lang": "en"]))
        #expect(messages == [.system("Be kind.\n\n## Skill: tone\nHow to sound\n\nWarm."), .user("Q(q7): hi [en]")])
    }
}

/// Collects progress callbacks (called from concurrent tasks).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [[Int]] = []
    func record(_ done: Int, _ total: Int) { lock.withLock { seen.append([done, total]) } }
    var values: [[Int]] { lock.withLock { seen } }
}

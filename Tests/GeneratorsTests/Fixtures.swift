import Foundation
import ImproveCore
@testable import Generators
import ImproveTestSupport

/// A deterministic evaluator for unit tests: the score of a (profile, item) pair comes from
/// a closure over the two, and every pair asked for is logged.
final class ScriptedEvaluator: ProfileEvaluator, @unchecked Sendable {
    typealias Scorer = @Sendable (AgentProfile, EvalItem) -> Double
    private let lock = NSLock()
    private let scorer: Scorer
    private var pairs: [(profile: String, item: String)] = []

    init(_ scorer: @escaping Scorer) {
        self.scorer = scorer
    }

    /// Every (profile text, item id) pair evaluated, in call order.
    var log: [(profile: String, item: String)] { lock.withLock { pairs } }

    func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        let key = profile.systemPrompt + "\u{1}" + profile.userTemplate
        lock.withLock { pairs += items.map { (key, $0.id) } }
        return items.map { item in
            let score = scorer(profile, item)
            let output = score >= 1 ? (item.expected ?? "") : "something else"
            let trace = RolloutTrace(messages: [.user(item.input)], output: output, usage: Usage(inputTokens: 3, outputTokens: 1), servedModel: "stub", latencyMs: 0, source: "stub")
            return ItemResult(itemID: item.id, score: score, passed: score >= 1, feedback: "expected \(item.expected ?? "?"), got \(output)", trace: trace)
        }
    }
}

/// A client whose every answer was cut off by the token limit.
struct TruncatingClient: ModelClient {
    let text: String
    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        ChatResponse(text: text, finishReason: "length", usage: Usage(inputTokens: 10, outputTokens: 5), servedModel: request.model.id, source: "stub")
    }
}

enum Fixtures {
    static let model = ModelSpec(provider: "local", id: "stub-model")

    static func profile(system: String = "Classify the sentiment.", template: String = "{{input}}") -> AgentProfile {
        AgentProfile(name: "test", model: model, systemPrompt: system, userTemplate: template)
    }

    /// `count` labelled items alternating positive/negative.
    static func items(_ count: Int) -> [EvalItem] {
        (0..<count).map { index in
            EvalItem(id: String(format: "item-%02d", index), input: "phrase number \(index)", expected: index.isMultiple(of: 2) ? "positive" : "negative")
        }
    }

    /// Scores an item 1 when the system prompt has more "!" than the item's index modulo 10:
    /// each "!" a reflection adds solves one more item, so every rewrite is an improvement.
    static let exclamationScorer: ScriptedEvaluator.Scorer = { profile, item in
        let marks = profile.systemPrompt.filter { $0 == "!" }.count
        let index = Int(item.id.suffix(2)) ?? 0
        return marks > index % 10 ? 1 : 0
    }

    /// Scores every item by the system prompt's length (always below 1 under the 400
    /// character cap), so each longer rewrite strictly beats its parent everywhere.
    static let lengthScorer: ScriptedEvaluator.Scorer = { profile, _ in
        Double(profile.systemPrompt.count) / 1000
    }

    /// A reflection model that appends one "!" to the text it is shown.
    static func exclaimingModel() -> ScriptedModelClient {
        ScriptedModelClient { request in
            let prompt = request.messages.last?.content ?? ""
            let current = FencedReply.extract(prompt) ?? ""
            return "Here is a better one:\n```text\n\(current)!\n```"
        }
    }

    static func engine(
        items: [EvalItem] = Fixtures.items(10), evaluator: ScriptedEvaluator, generator: any CandidateGenerator,
        model: any ModelClient, budget: Budget, seed: UInt64 = 7, minibatch: Int = 3, maxFailures: Int = 6,
        options: SearchOptions = SearchOptions(), surface: any Surface = PromptSurface(),
        checkpoint: SearchEngine.Checkpoint? = nil
    ) -> SearchEngine {
        SearchEngine(
            base: profile(), surface: surface, search: SearchSet(items: items), evaluator: evaluator,
            generator: generator, reflectionModel: model, budget: budget,
            settings: SearchSettings(seed: seed, minibatchSize: minibatch, maxConsecutiveFailures: maxFailures, maxComponentLength: 400),
            options: options, checkpoint: checkpoint)
    }

    static func scored(_ components: [String: String], parents: [String] = [], scores: [Double]) -> ScoredCandidate {
        let candidate = Candidate(components: components, parents: parents, generator: "test")
        let results = Dictionary(uniqueKeysWithValues: scores.enumerated().map { ("v\($0.offset)", ItemResult(itemID: "v\($0.offset)", score: $0.element)) })
        return ScoredCandidate(candidate: candidate, results: results)
    }

    static func context(parent: ScoredCandidate, pool: [ScoredCandidate]? = nil, items: [EvalItem] = Fixtures.items(10), minibatch: [String] = ["item-00", "item-01"], component: String = "systemPrompt", rejected: [RejectedEdit] = [], seen: Set<String> = []) -> ProposalContext {
        ProposalContext(
            pool: pool ?? [parent], parent: parent,
            minibatch: minibatch.map { ItemResult(itemID: $0, score: 0, feedback: "wrong", trace: RolloutTrace(messages: [], output: "I think it is nice", usage: .zero, servedModel: "stub", latencyMs: 0, source: "stub")) },
            component: component, search: SearchSet(items: items), rejected: rejected, metricCallsLeft: 100, iteration: 1,
            settings: SearchSettings(), seenCandidateIDs: seen.union([parent.id]))
    }
}

/// A generator that replays a fixed list of system prompts, one per call, then is exhausted.
final class ListGenerator: CandidateGenerator, @unchecked Sendable {
    let name = "list"
    private let lock = NSLock()
    private var texts: [String]

    init(_ texts: [String]) {
        self.texts = texts
    }

    func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        let next: String? = lock.withLock { texts.isEmpty ? nil : texts.removeFirst() }
        guard let next else { return .exhausted(reason: "list done") }
        return .candidates([context.child(setting: "systemPrompt", to: next, generator: name, rationale: "scripted")])
    }
}

import Foundation
import ImproveCore

/// Runs a profile on items with the task model and scores each output; persona trials
/// (``PersonaUnit`` items) run as dialogues and are graded by ``PersonaEvaluator``.
///
/// Rollouts run concurrently up to `concurrency` (the provider's own limit still applies).
/// A failed rollout (network, provider, scorer error) is a result with `error` set and score 0,
/// so one bad item never loses the others; callers count those apart from low scores.
public struct SuiteEvaluator: ProfileEvaluator {
    /// Called after each item with (done, total).
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void
    let client: any ModelClient
    let scorer: CompositeScorer
    let concurrency: Int
    let progress: Progress?
    let personas: PersonaTrials?

    /// - Parameters:
    ///   - client: the task model, already wrapped in the guard and the journal.
    ///   - scorers: the suite's scorer entries.
    ///   - concurrency: rollouts in flight at once.
    ///   - progress: called after each item with (done, total).
    ///   - environment: judge client, journal (judge and command calls become `.scorer` steps)
    ///     and the directory command scorers run in.
    ///   - personas: how persona trials among the items are run and graded (nil: no personas).
    ///   - registry: the scorer types that build `scorers`.
    public init(client: any ModelClient, scorers: [ScorerConfig], concurrency: Int = 4, progress: Progress? = nil, environment: ScorerEnvironment = ScorerEnvironment(), personas: PersonaTrials? = nil, registry: ScorerRegistry = .builtIn) throws {
        self.client = client
        self.scorer = try CompositeScorer(configs: scorers, environment: environment, registry: registry)
        self.concurrency = max(1, concurrency)
        self.progress = progress
        self.personas = personas
    }

    /// A persona trial reserves its longest dialogue (`maxTurns` agent replies); an item, 1.
    public func metricCost(of item: EvalItem) -> Int {
        PersonaUnit.isUnit(item) ? (personas?.maxTurns ?? 1) : 1
    }

    /// A persona trial costs the agent replies it made (at least 1); an item, 1.
    public func metricCalls(spentOn result: ItemResult) -> Int {
        PersonaUnit.metricCalls(spentOn: result)
    }

    /// The results of `profile` on `items`, in item order (a failed rollout is a result with `error` set).
    public func evaluate(_ profile: AgentProfile, on items: [EvalItem]) async throws -> [ItemResult] {
        var results = [ItemResult?](repeating: nil, count: items.count)
        var done = 0
        try await withThrowingTaskGroup(of: (Int, ItemResult).self) { group in
            var next = 0
            func launch() {
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, try await rollout(profile, item)) }
            }
            while next < min(concurrency, items.count) { launch() }
            while let (index, result) = try await group.next() {
                results[index] = result
                done += 1
                progress?(done, items.count)
                if next < items.count { launch() }
            }
        }
        return results.compactMap { $0 }
    }

    func rollout(_ profile: AgentProfile, _ item: EvalItem) async throws -> ItemResult {
        if let unit = PersonaUnit.reference(item) {
            guard let personas, let persona = personas.cards[unit.personaID] else {
                return ItemResult(itemID: item.id, score: 0, feedback: "No persona \(unit.personaID) is configured.", error: "agent: unknown persona \(unit.personaID)", failure: .infrastructure)
            }
            return try await personas.evaluator.grade(persona, profile: profile, trial: unit.trial)
        }
        let messages = PromptRenderer.messages(for: profile, item: item)
        let response: ChatResponse
        do {
            // An agent program answers the item as a unit; a plain client ignores the context.
            response = try await AgentUnitContext.$current.withValue(AgentUnitContext(profile: profile, unitID: item.id, item: item)) {
                try await client.complete(ChatRequest(model: profile.model, messages: messages))
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch let failure as AgentFailure {
            // The user's agent failed the item: its own doing, a 0 that counts.
            return ItemResult(itemID: item.id, score: 0, passed: false, feedback: "The agent failed: \(failure.description)", error: failure.description, failure: .agent)
        } catch let error as ModelError {
            // A policy breach is never an item failure: it must stop the run.
            if case .notAllowed = error { throw error }
            return ItemResult(itemID: item.id, score: 0, feedback: "The model call failed: \(error)", error: String(describing: error), failure: .infrastructure)
        } catch let error as StoreError {
            throw error
        } catch {
            return ItemResult(itemID: item.id, score: 0, feedback: "The model call failed: \(error)", error: String(describing: error), failure: .infrastructure)
        }
        let trace = RolloutTrace(
            messages: messages, output: response.text, usage: response.usage, servedModel: response.servedModel, latencyMs: response.latencyMs, source: response.source,
            agentTrace: response.agentTrace)
        do {
            let (result, dimensions) = try await scorer.score(output: response.text, item: item)
            return ItemResult(itemID: item.id, score: result.score, passed: result.passed, feedback: result.feedback, dimensions: dimensions, trace: trace)
        } catch {
            return ItemResult(itemID: item.id, score: 0, feedback: "Scoring failed: \(error)", trace: trace, error: String(describing: error), failure: .infrastructure)
        }
    }
}

/// What a ``SuiteEvaluator`` needs to run persona trials.
public struct PersonaTrials: Sendable {
    let evaluator: PersonaEvaluator
    let cards: [String: PersonaCard]
    let maxTurns: Int

    /// - Parameters:
    ///   - evaluator: runs and grades one dialogue (its simulator and judge already wrapped).
    ///   - personas: the suite's personas, found by the id in each unit.
    public init(evaluator: PersonaEvaluator, personas: [PersonaCard]) {
        self.evaluator = evaluator
        self.cards = Dictionary(personas.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.maxTurns = evaluator.settings.maxTurns
    }
}
